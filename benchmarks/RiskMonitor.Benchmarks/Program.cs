using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/RiskMonitor.Benchmarks -- --filter '*' --job short
// dotnet run -c Release --project benchmarks/RiskMonitor.Benchmarks -- --evaluator-heap
if (args is ["--evaluator-heap"])
{
    RiskMonitor.Benchmarks.EvaluatorHeap.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
