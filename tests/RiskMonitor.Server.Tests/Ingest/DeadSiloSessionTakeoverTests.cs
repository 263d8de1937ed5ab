using System.Collections.Immutable;
using System.Net;
using RiskMonitor.Server.Ingest;
using RiskMonitor.Server.Platform.Orleans;

namespace RiskMonitor.Server.Tests.Ingest;

public sealed class DeadSiloSessionTakeoverTests
{
    private static readonly SiloAddress A = Silo(11111, 1);
    private static readonly SiloAddress B = Silo(11112, 1);
    private static readonly SiloAddress C = Silo(11113, 1);

    [Fact]
    public void Only_the_lowest_active_silo_takes_over_a_dead_silos_session()
    {
        var snapshot = Snapshot((A, SiloStatus.Active, "silo-a"), (B, SiloStatus.Active, "silo-b"), (C, SiloStatus.Dead, "silo-c"));

        Assert.Equal(["silo-c"], DeadSiloSessionTakeover.SessionsToTakeOver(snapshot, A, []));
        Assert.Empty(DeadSiloSessionTakeover.SessionsToTakeOver(snapshot, B, []));
    }

    [Fact]
    public void A_dead_silo_is_taken_over_once()
    {
        var snapshot = Snapshot((A, SiloStatus.Active, "silo-a"), (C, SiloStatus.Dead, "silo-c"));
        var handled = new HashSet<SiloAddress>();

        Assert.Equal(["silo-c"], DeadSiloSessionTakeover.SessionsToTakeOver(snapshot, A, handled));
        Assert.Empty(DeadSiloSessionTakeover.SessionsToTakeOver(snapshot, A, handled));
    }

    [Fact]
    public void A_session_whose_name_a_live_silo_uses_again_is_left_to_it()
    {
        // silo-c came back (a new generation at the same name) and owns its session again; so does this silo's own name.
        var snapshot = Snapshot(
            (A, SiloStatus.Active, "silo-a"), (Silo(11111, 0), SiloStatus.Dead, "silo-a"),
            (C, SiloStatus.Dead, "silo-c"), (Silo(11113, 2), SiloStatus.Joining, "silo-c"));

        Assert.Empty(DeadSiloSessionTakeover.SessionsToTakeOver(snapshot, A, []));
    }

    [Fact]
    public void A_failed_takeover_is_tried_again_only_while_this_silo_is_the_lowest_active_and_the_name_is_not_back()
    {
        var dead = Snapshot((A, SiloStatus.Active, "silo-a"), (B, SiloStatus.Active, "silo-b"), (C, SiloStatus.Dead, "silo-c"));
        Assert.True(DeadSiloSessionTakeover.StillResponsible(dead, A, "silo-c"));
        Assert.False(DeadSiloSessionTakeover.StillResponsible(dead, B, "silo-c"));

        // The pod came back under its name (joining is enough: it connects to the broker before it is active).
        var back = Snapshot((A, SiloStatus.Active, "silo-a"), (C, SiloStatus.Dead, "silo-c"), (Silo(11113, 2), SiloStatus.Joining, "silo-c"));
        Assert.False(DeadSiloSessionTakeover.StillResponsible(back, A, "silo-c"));

        // This silo is shutting down: the silo that is now the lowest active one takes over instead.
        var leaving = Snapshot((A, SiloStatus.ShuttingDown, "silo-a"), (B, SiloStatus.Active, "silo-b"), (C, SiloStatus.Dead, "silo-c"));
        Assert.False(DeadSiloSessionTakeover.StillResponsible(leaving, A, "silo-c"));
        Assert.Equal(["silo-c"], DeadSiloSessionTakeover.SessionsToTakeOver(leaving, B, []));
    }

    [Fact]
    public void A_takeover_left_to_another_silo_is_taken_up_again_once_this_silo_is_the_lowest_again()
    {
        var handled = new HashSet<SiloAddress>();
        var first = Snapshot((A, SiloStatus.Active, "silo-a"), (C, SiloStatus.Dead, "silo-c"));
        Assert.Equal(["silo-c"], DeadSiloSessionTakeover.SessionsToTakeOver(first, A, handled));

        // A lower silo joined and took it on, then died before it was done: silo A is the lowest again.
        var lower = Silo(11110, 1);
        var again = Snapshot((A, SiloStatus.Active, "silo-a"), (lower, SiloStatus.Dead, "silo-z"), (C, SiloStatus.Dead, "silo-c"));
        DeadSiloSessionTakeover.Forget(again, "silo-c", handled);

        Assert.Equal(["silo-c", "silo-z"], DeadSiloSessionTakeover.SessionsToTakeOver(again, A, handled).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Retries_wait_one_second_doubling_to_a_minute()
    {
        var delays = Enumerable.Range(1, 9).Select(DeadSiloSessionTakeover.RetryDelay).Select(d => d.TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
        Assert.Equal(TimeSpan.FromMinutes(1), DeadSiloSessionTakeover.RetryDelay(int.MaxValue));
    }

    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private static ClusterMembershipSnapshot Snapshot(params (SiloAddress Address, SiloStatus Status, string Name)[] members) =>
        new(members.ToImmutableDictionary(m => m.Address, m => new ClusterMember(m.Address, m.Status, m.Name)), new MembershipVersion(members.Length));
}
