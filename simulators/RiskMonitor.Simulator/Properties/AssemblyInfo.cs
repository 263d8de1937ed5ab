using System.Runtime.CompilerServices;

// The pure parts (city generation, value models, ramps, payloads) are internal and tested directly.
[assembly: InternalsVisibleTo("RiskMonitor.Simulator.Tests")]
