using RiskMonitor.Simulator.Cli;

// Commands: run (default), generate-city, generate-regions, help. See CommandLine.HelpText or README.md.
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
    case CommandKind.GenerateRegions:
        // --out defaults to the asset file's path for generate-city; the region file has its own default.
        return GenerateRegionsCommand.Run(
            args.Any(a => a.StartsWith("--out", StringComparison.Ordinal)) ? command.GenerateCity!.OutputPath : GenerateRegionsCommand.DefaultOutputPath,
            command.GenerateCity!.Seed,
            Console.Out);
    default:
        return await RunCommand.RunAsync(command.Run!);
}
