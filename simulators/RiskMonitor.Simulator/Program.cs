using RiskMonitor.Simulator.Cli;

// Commands: run (default), generate-city, help. See CommandLine.HelpText or README.md.
var command = CommandLine.Parse(args);
switch (command.Kind)
{
    case CommandKind.Help:
        Console.WriteLine(CommandLine.HelpText);
        return 0;
    case CommandKind.Invalid:
        Console.Error.WriteLine(command.Error);
        Console.Error.WriteLine("Run with --help for usage.");
        return 2;
    case CommandKind.GenerateCity:
        return GenerateCityCommand.Run(command.GenerateCity!, Console.Out);
    default:
        return await RunCommand.RunAsync(command.Run!);
}
