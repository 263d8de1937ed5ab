namespace RiskMonitor.Domain.Rules.Groups;

/// <summary>
/// The state of one detector group (decision 0050): each member's newest level on the corroborated rule and newest
/// value of the metric, the group's ceiling (k of n) and each member's drift against its neighbours. Pure: members'
/// reports come in with their own sample times, and the verdicts to pass on come out.
/// </summary>
public sealed class DetectorGroup
{
    /// <summary>
    /// A new activation lowers nobody's ceiling until every member has reported or this long has passed since the first
    /// report (the members report every 5-60 s): a member restored at a corroborated red must not drop to its alone
    /// level and back because the group heard from it before its partner.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);

    private readonly Member[] _members;
    private readonly WarningLevel[] _levels;
    private DateTimeOffset? _firstReportAt;
    private int _reported;
    private bool _settled;

    public DetectorGroup(DetectorGroupDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        _members = [.. definition.Members.Select(id => new Member(id))];
        _levels = new WarningLevel[_members.Length];
        Ceiling = definition.Corroboration?.AloneLevel ?? WarningLevel.Red;
    }

    public DetectorGroupDefinition Definition { get; }

    /// <summary>How high a member's corroborated alarm may go now (Red without a corroboration part).</summary>
    public WarningLevel Ceiling { get; private set; }

    /// <summary>How many members are at or above the ceiling (the agreement behind it).</summary>
    public int Agreeing => Corroboration.CountAtLeast(_levels, Ceiling);

    public bool IsDrifting(string memberId) => Find(memberId)?.Drifting ?? false;

    /// <summary>
    /// A member's report: its level on the corroborated rule (uncapped) and, when its sample carried the metric, the value.
    /// Returns null for an id that is not a member (a stale report after a rule change).
    /// </summary>
    public DetectorGroupUpdate? Apply(string memberId, WarningLevel level, double? value, DateTimeOffset sampledAt)
    {
        var index = IndexOf(memberId);
        if (index < 0)
        {
            return null;
        }

        var member = _members[index];
        var firstReport = !member.Reported;
        member.Reported = true;
        _reported += firstReport ? 1 : 0;
        _levels[index] = level;
        _firstReportAt ??= sampledAt;
        var settling = !_settled;
        if (settling)
        {
            _settled = _reported == _members.Length || sampledAt - _firstReportAt.Value >= Settle;
        }
        IReadOnlyList<string> tell = [];
        if (Definition.Corroboration is { } corroboration)
        {
            var ceiling = Groups.Corroboration.Ceiling(_levels, corroboration);
            var moved = ceiling != Ceiling;
            var lifted = ceiling > Ceiling;
            Ceiling = ceiling;
            if (settling && _settled)
            {
                tell = Reported(); // settled now: everyone hears where the group stands, lower or not
            }
            else if (moved && (_settled || lifted))
            {
                tell = Reported();
            }
            else if (firstReport && ceiling > corroboration.AloneLevel)
            {
                tell = [memberId]; // it starts at its alone level; the group already allows more
            }
        }

        DriftVerdict? drift = null;
        if (value is { } v && double.IsFinite(v))
        {
            if (member.At is { } last && sampledAt < last)
            {
                return new DetectorGroupUpdate(Ceiling, Agreeing, tell, null); // a late sample says nothing of the sensor now
            }

            member.Value = v;
            member.At = sampledAt;
            if (Definition.Drift is { } driftRule)
            {
                drift = JudgeDrift(member, driftRule, sampledAt);
            }
        }

        return new DetectorGroupUpdate(Ceiling, Agreeing, tell, drift);
    }

    private DriftVerdict? JudgeDrift(Member member, NeighbourDriftDefinition rule, DateTimeOffset at)
    {
        Span<double> neighbours = stackalloc double[_members.Length];
        var count = 0;
        foreach (var other in _members)
        {
            if (!ReferenceEquals(other, member) && other.At is { } otherAt && (at - otherAt).Duration() <= rule.FreshWithin)
            {
                neighbours[count++] = other.Value;
            }
        }

        if (count < rule.MinNeighbours)
        {
            // Too few neighbours to judge by: the clock restarts, and a drifting member stays so until seen sound.
            member.DeviatingSince = null;
            return null;
        }

        var median = Median(neighbours[..count]);
        var deviation = member.Value - median;
        if (count % 2 == 0)
        {
            // An even number of neighbours has no middle value: their median is the mean of the middle two, which one
            // faulty neighbour drags away. With three detectors, one failed high would put the two sound ones "more than
            // delta from their neighbours" as well. So the member's own value breaks the tie (the middle of the two and
            // itself), and the faulty detector alone is far from it (decision 0055). The alert still shows the
            // neighbours' median. An odd number of neighbours, a pair among them, is judged as before.
            neighbours[count] = member.Value;
            deviation = member.Value - Median(neighbours[..(count + 1)]);
        }

        var wasDrifting = member.Drifting;
        if (Math.Abs(deviation) > rule.Delta)
        {
            member.DeviatingSince ??= at;
            member.Drifting |= at - member.DeviatingSince.Value >= rule.Hold;
        }
        else
        {
            member.DeviatingSince = null;
            member.Drifting &= Math.Abs(deviation) > rule.ClearDelta;
        }

        return member.Drifting == wasDrifting
            ? null
            : new DriftVerdict(member.Id, member.Drifting, member.Value, median, count, member.DeviatingSince ?? at, at);
    }

    /// <summary>The median of a handful of values, sorting them in place.</summary>
    internal static double Median(Span<double> values)
    {
        values.Sort();
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private string[] Reported() => [.. _members.Where(m => m.Reported).Select(m => m.Id)];

    private Member? Find(string memberId) => IndexOf(memberId) is var i and >= 0 ? _members[i] : null;

    private int IndexOf(string memberId)
    {
        for (var i = 0; i < _members.Length; i++)
        {
            if (string.Equals(_members[i].Id, memberId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class Member(string id)
    {
        public string Id { get; } = id;

        public bool Reported { get; set; }

        public double Value { get; set; }

        public DateTimeOffset? At { get; set; }

        public DateTimeOffset? DeviatingSince { get; set; }

        public bool Drifting { get; set; }
    }
}

/// <summary>
/// What a report changed: the group's <see cref="Ceiling"/> with the members to tell it (all that reported when it
/// moved, or when the group has just settled; the reporter alone when it first reports into a group above its alone
/// level), and a change of the reporter's drift verdict.
/// </summary>
public sealed record DetectorGroupUpdate(WarningLevel Ceiling, int Agreeing, IReadOnlyList<string> TellCeiling, DriftVerdict? Drift);

/// <summary>A member started or stopped drifting: its value, the neighbours' median it is judged against and since when.</summary>
public sealed record DriftVerdict(string MemberId, bool Drifting, double Value, double NeighbourMedian, int Neighbours, DateTimeOffset Since, DateTimeOffset At)
{
    public double Deviation => Value - NeighbourMedian;
}
