using System.Runtime.CompilerServices;

// The pure parts (city generation, value models, ramps, payloads) are internal and tested directly.
[assembly: InternalsVisibleTo("RiskMonitor.Simulator.Tests")]

// The drill end-to-end test runs the simulator's run command against a real server (decision 0049).
[assembly: InternalsVisibleTo("RiskMonitor.Server.Tests")]
