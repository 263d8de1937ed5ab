using RiskMonitor.Domain.Responsibility;

namespace RiskMonitor.Domain.Tests.Responsibility;

public sealed class RescueSignalsTests
{
    [Theory]
    [InlineData("inspection_mode", true, RescueStep.Arrival)]
    [InlineData("maintenance_on_site", true, RescueStep.Arrival)]
    [InlineData("entrapment", false, RescueStep.Release)]
    public void A_lift_event_records_its_rescue_step(string code, bool active, RescueStep step) =>
        Assert.Equal(step, RescueSignals.Default.StepOf(code, active));

    [Theory]
    [InlineData("entrapment", true)] // the report itself
    [InlineData("inspection_mode", false)] // leaving inspection operation says nothing of who is there
    [InlineData("power_loss", true)]
    [InlineData("Inspection_Mode", true)] // codes are exact, as the rule file's are
    public void Other_events_record_no_step(string code, bool active) => Assert.Null(RescueSignals.Default.StepOf(code, active));

    [Fact]
    public void The_arrival_codes_are_configurable_but_the_entrapment_cannot_be_one()
    {
        var signals = new RescueSignals([" door_unlocked_by_key ", ""]);
        Assert.Equal(RescueStep.Arrival, signals.StepOf("door_unlocked_by_key", true));
        Assert.Null(signals.StepOf("inspection_mode", true));
        Assert.Equal(RescueStep.Release, signals.StepOf("entrapment", false));
        Assert.Throws<ArgumentException>(() => new RescueSignals(["entrapment"]));
    }
}
