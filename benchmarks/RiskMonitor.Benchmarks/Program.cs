using BenchmarkDotNet.Running;
using RiskMonitor.Benchmarks;

// dotnet run -c Release --project benchmarks/RiskMonitor.Benchmarks -- --filter '*' --job short
// (The Server reference brings its own Program type, so this assembly is named through a benchmark class.)
BenchmarkSwitcher.FromAssembly(typeof(RuleEvaluationBenchmarks).Assembly).Run(args);
