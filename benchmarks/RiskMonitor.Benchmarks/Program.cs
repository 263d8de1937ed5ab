using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/RiskMonitor.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
