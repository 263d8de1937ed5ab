using System.Collections.Immutable;

namespace RiskMonitor.Domain.Responsibility;

/// <summary>A step of an entrapment's rescue that a lift can report itself.</summary>
public enum RescueStep
{
    /// <summary>Somebody is at the lift's controls: the rescuers are on site.</summary>
    Arrival,

    /// <summary>The lift no longer reports people trapped: the rescue is over.</summary>
    Release,
}

/// <summary>
/// Which device events of a lift record a step of its rescue (issue 20 item 4, decision 0048). The release is the
/// entrapment event itself going inactive (<c>{"code":"entrapment","active":false}</c>): the monitoring unit reports
/// people trapped until the car doors open at a landing. The arrival is an event that only somebody at the lift can
/// cause, by default the switch to inspection operation (<c>inspection_mode</c>, 检修运行, which is switched on the car
/// roof or at the controller) and a technician's sign-in at the lift (<c>maintenance_on_site</c>, 维保人员到场).
/// Either is only an arrival while a rescue is open; the rest of the time it means nothing here.
/// </summary>
public sealed record RescueSignals
{
    public const string EntrapmentCode = "entrapment";

    public static readonly ImmutableArray<string> DefaultArrivalCodes = ["inspection_mode", "maintenance_on_site"];

    public static readonly RescueSignals Default = new(DefaultArrivalCodes);

    public RescueSignals(IEnumerable<string> arrivalCodes)
    {
        ArgumentNullException.ThrowIfNull(arrivalCodes);
        ArrivalCodes = [.. arrivalCodes.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim())];
        if (ArrivalCodes.Contains(EntrapmentCode))
        {
            throw new ArgumentException("The entrapment itself cannot be the rescuers' arrival.", nameof(arrivalCodes));
        }
    }

    public ImmutableHashSet<string> ArrivalCodes { get; }

    /// <summary>The rescue step a device event records, or null when it records none.</summary>
    public RescueStep? StepOf(string code, bool active) =>
        code == EntrapmentCode ? (active ? null : RescueStep.Release)
        : active && ArrivalCodes.Contains(code) ? RescueStep.Arrival
        : null;

    /// <summary>Whether the code is one of the arrival codes (so an asset need not map it to a warning level).</summary>
    public bool IsArrivalCode(string code) => ArrivalCodes.Contains(code);
}
