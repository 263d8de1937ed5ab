using RiskMonitor.Server;

var app = RiskMonitorApp.Build(args);
await app.RunAsync();
