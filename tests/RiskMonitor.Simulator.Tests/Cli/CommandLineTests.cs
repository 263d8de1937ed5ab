using RiskMonitor.Simulator.Cli;

namespace RiskMonitor.Simulator.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_means_run_with_the_defaults()
    {
        var command = CommandLine.Parse([]);

        Assert.Equal(CommandKind.Run, command.Kind);
        Assert.Equal("127.0.0.1", command.Run!.Host);
        Assert.Equal(1883, command.Run.Port);
        Assert.Equal(200, command.Run.RatePerSecond);
        Assert.Equal(8090, command.Run.HttpPort);
        Assert.Equal(0, command.Run.Qos);
        Assert.Equal(1, command.Run.Batch);
        Assert.False(command.Run.Demo); // tests and scripts get a quiet city unless they ask
    }

    [Fact]
    public void Demo_mode_is_a_flag()
    {
        Assert.True(CommandLine.Parse(["run", "--demo"]).Run!.Demo);
    }

    [Fact]
    public void Run_options_and_repeated_scenarios_are_read()
    {
        var command = CommandLine.Parse(
        [
            "run", "--host", "10.0.0.5", "--port=1884", "--clients", "8", "--rate", "5000", "--batch", "10", "--qos", "1",
            "--assets-limit", "50", "--http-port", "0", "--scenario", "gas-leak:gp-0003", "--scenario", "entrapment:el-0010@30s",
            "--silent-status", "--entrapment-seconds", "60",
        ]);

        Assert.Equal(CommandKind.Run, command.Kind);
        var options = command.Run!;
        Assert.Equal(("10.0.0.5", 1884, 8, 5000.0, 10, 1, 50, 0), (options.Host, options.Port, options.Clients, options.RatePerSecond, options.Batch, options.Qos, options.AssetsLimit, options.HttpPort));
        Assert.Equal(["gas-leak", "entrapment"], options.Scenarios.Select(s => s.Name));
        Assert.Equal(TimeSpan.FromSeconds(30), options.Scenarios[1].Delay);
        Assert.True(options.SilentPublishesStatus);
        Assert.Equal(TimeSpan.FromSeconds(60), options.EntrapmentDuration);
    }

    [Fact]
    public void Generate_city_reads_its_output_and_seed()
    {
        var command = CommandLine.Parse(["generate-city", "--out", "x.geojson", "--seed", "7"]);

        Assert.Equal(CommandKind.GenerateCity, command.Kind);
        Assert.Equal(("x.geojson", 7), (command.GenerateCity!.OutputPath, command.GenerateCity.Seed));
    }

    [Theory]
    [InlineData("--bogus", "1")]
    [InlineData("--qos", "2")]
    [InlineData("--port", "x")]
    [InlineData("--scenario", "flood")]
    [InlineData("fly")]
    [InlineData("--rate")]
    public void Mistakes_are_reported_not_ignored(params string[] args)
    {
        var command = CommandLine.Parse(args);

        Assert.Equal(CommandKind.Invalid, command.Kind);
        Assert.False(string.IsNullOrWhiteSpace(command.Error));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("generate-city", "-h")]
    public void Help_is_available(params string[] args) => Assert.Equal(CommandKind.Help, CommandLine.Parse(args).Kind);
}
