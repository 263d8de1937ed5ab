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

    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private static ClusterMembershipSnapshot Snapshot(params (SiloAddress Address, SiloStatus Status, string Name)[] members) =>
        new(members.ToImmutableDictionary(m => m.Address, m => new ClusterMember(m.Address, m.Status, m.Name)), new MembershipVersion(members.Length));
}
