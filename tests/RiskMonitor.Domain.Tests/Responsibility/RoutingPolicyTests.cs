using System.Collections.Immutable;
using RiskMonitor.Domain.Responsibility;
using static RiskMonitor.Domain.Tests.TestRules;

namespace RiskMonitor.Domain.Tests.Responsibility;

public sealed class RoutingPolicyTests
{
    private static readonly Person OwnerDuty = new("林芳", Person.OnCall, "0571-02277738", "duty@owner.example");
    private static readonly Person Rescuer = new("陈志强", Person.OnCall, "0571-07120001", "rescue@mu.example", "mu-01.duty");

    internal static readonly Dictionary<string, Organisation> Organisations = new()
    {
        ["ou-1"] = new("ou-1", "湖滨商业物业", OrganisationKind.OwnerUnit, null, "91350100M000100Y43", [new("王五", "principal", null, null), OwnerDuty]),
        ["mu-1"] = new("mu-1", "安达电梯", OrganisationKind.MaintenanceUnit, null, null, [Rescuer]),
        ["reg-se"] = new("reg-se", "市场监管局", OrganisationKind.Regulator, "special_equipment", null, [new("钱立新", Person.OnCall, "0571-07110002", "duty@reg-se.example")]),
        ["ou-retired"] = new("ou-retired", "已注销", OrganisationKind.OwnerUnit, null, null, [], Retired: true),
    };

    internal static readonly RoutingPolicy Policy = new(RoutingWindows.Default);

    internal static readonly AssetParties Elevator = new("el-1", "ou-1", "mu-1", "reg-se", []);

    internal static RoutedAlert Alert(string ruleId, WarningLevel severity, string kind = "elevator") =>
        new("el-1:" + ruleId, "el-1", kind, "special_equipment", ruleId, severity, "d-1", T0);

    [Fact]
    public void An_entrapment_sends_the_maintenance_unit_on_site_within_thirty_minutes_of_the_report_and_tells_owner_and_regulator()
    {
        var now = T0.AddSeconds(3);

        var duties = Policy.Route(Alert(RoutedAlert.EntrapmentRuleId, WarningLevel.Red), Elevator, Organisations.GetValueOrDefault, now);

        Assert.Equal(
            [
                new PartyDuty("ou-1", "湖滨商业物业", PartyRole.Owner, DutyKind.Acknowledge, OwnerDuty, now.AddMinutes(5)),
                new PartyDuty("mu-1", "安达电梯", PartyRole.Maintenance, DutyKind.ArriveOnSite, Rescuer, T0.AddMinutes(30)),
                new PartyDuty("reg-se", "市场监管局", PartyRole.Regulator, DutyKind.Informed, Organisations["reg-se"].People[0], null),
            ],
            duties);
    }

    [Fact]
    public void Another_lift_fault_asks_the_maintenance_unit_to_acknowledge_and_keeps_the_regulator_out_below_red()
    {
        var duties = Policy.Route(Alert("event.power_loss", WarningLevel.Yellow), Elevator, Organisations.GetValueOrDefault, T0);

        Assert.Equal([(PartyRole.Owner, DutyKind.Acknowledge), (PartyRole.Maintenance, DutyKind.Acknowledge)], duties.Select(d => (d.Role, d.Kind)));
        Assert.All(duties, d => Assert.Equal(T0.AddMinutes(60), d.DueBy));
    }

    [Fact]
    public void A_hazard_source_from_orange_up_reaches_its_three_guarantors_each_with_a_due_time()
    {
        Person[] guarantors = [new("沈超", Person.Principal, "1", null), new("张晓明", Person.Technical, "2", null), new("刘桂英", Person.Operations, "3", null)];
        var parties = new AssetParties("hz-1", "ou-1", null, null, [.. guarantors]);

        var orange = Policy.Route(Alert("tank_level.high", WarningLevel.Orange, "hazard_source"), parties, Organisations.GetValueOrDefault, T0);
        var yellow = Policy.Route(Alert("tank_level.high", WarningLevel.Yellow, "hazard_source"), parties, Organisations.GetValueOrDefault, T0);

        Assert.Equal(guarantors, orange.Where(d => d.Role == PartyRole.Guarantor).Select(d => d.Contact));
        Assert.All(orange, d => Assert.Equal(T0.AddMinutes(15), d.DueBy));
        Assert.DoesNotContain(yellow, d => d.Role == PartyRole.Guarantor);
    }

    [Fact]
    public void Blue_no_parties_on_record_and_retired_organisations_route_to_nobody()
    {
        Assert.Empty(Policy.Route(Alert("offline", WarningLevel.Blue), Elevator, Organisations.GetValueOrDefault, T0));
        Assert.Empty(Policy.Route(Alert("event.entrapment", WarningLevel.Red), null, Organisations.GetValueOrDefault, T0));
        Assert.Empty(Policy.Route(Alert("ch4_lel.high", WarningLevel.Red, "gas_pipeline"), new AssetParties("gp-1", "ou-retired", null, null, []), Organisations.GetValueOrDefault, T0));
    }

    [Fact]
    public void A_missed_duty_escalates_to_the_assets_regulator_and_without_one_to_the_duty_room_alone()
    {
        var (regulator, contact) = RoutingPolicy.EscalationOf(Elevator, Organisations.GetValueOrDefault);
        var (none, nobody) = RoutingPolicy.EscalationOf(Elevator with { RegulatorId = null }, Organisations.GetValueOrDefault);

        Assert.Equal("reg-se", regulator?.Id);
        Assert.Equal("duty@reg-se.example", contact?.Email);
        Assert.Null(none);
        Assert.Null(nobody);
    }
}

public sealed class PartyCaseTests
{
    private static readonly RoutedAlert Entrapment = new("el-1:event.entrapment", "el-1", "elevator", "special_equipment", RoutedAlert.EntrapmentRuleId, WarningLevel.Red, "d-1", T0);

    private static readonly ImmutableArray<PartyDuty> Duties =
    [
        new("ou-1", "物业", PartyRole.Owner, DutyKind.Acknowledge, null, T0.AddMinutes(5)),
        new("mu-1", "维保", PartyRole.Maintenance, DutyKind.ArriveOnSite, null, T0.AddMinutes(30)),
        new("reg-se", "监管", PartyRole.Regulator, DutyKind.Informed, null, null),
    ];

    private static PartyCase Opened() => PartyCase.Open(Entrapment, Duties, T0);

    [Fact]
    public void An_entrapment_case_runs_a_rescue_due_thirty_minutes_after_the_report_and_wakes_first_for_the_owner()
    {
        var opened = Opened();

        Assert.Equal(new Rescue("mu-1", T0, T0.AddMinutes(30)), opened.Rescue);
        Assert.Equal(T0.AddMinutes(5), opened.NextDue);
        Assert.Equal(["ou-1", "mu-1", "reg-se"], opened.OrganisationIds);
    }

    [Fact]
    public void Only_the_rescue_unit_records_arrival_and_release_and_the_first_record_stands()
    {
        var (arrived, outcome) = Opened().Arrive("mu-1", "mu-01.duty", T0.AddMinutes(12));
        var (_, otherUnit) = Opened().Arrive("mu-2", "mu-02.duty", T0.AddMinutes(12));
        var (_, again) = arrived.Arrive("mu-1", "mu-01.duty", T0.AddMinutes(13));
        var (released, releaseOutcome) = arrived.Release(null, "值班长", T0.AddMinutes(40));

        Assert.Equal(PartyActOutcome.Done, outcome);
        Assert.Equal(PartyActOutcome.NotAParty, otherUnit);
        Assert.Equal(PartyActOutcome.AlreadyDone, again);
        Assert.Equal(PartyActOutcome.Done, releaseOutcome);
        Assert.Equal(TimeSpan.FromMinutes(12), released.Rescue!.ArrivalTime);
        Assert.False(released.Rescue.ArrivedLate);
        Assert.Equal(T0.AddMinutes(40), released.Rescue.ReleasedAt);
        Assert.Equal(T0.AddMinutes(5), released.NextDue); // the owner has still not acknowledged
    }

    [Fact]
    public void A_release_with_no_arrival_on_record_records_the_arrival_at_the_same_moment()
    {
        var (released, _) = Opened().Release("mu-1", "mu-01.duty", T0.AddMinutes(35));

        Assert.Equal(T0.AddMinutes(35), released.Rescue!.ArrivedAt);
        Assert.True(released.Rescue.ArrivedLate);
    }

    [Fact]
    public void Duties_past_due_escalate_once_each_and_an_acknowledged_one_never()
    {
        var (acknowledged, ackOutcome) = Opened().Acknowledge("ou-1", "ou-1.duty", T0.AddMinutes(2));
        var (early, none) = acknowledged.EscalateOverdue(T0.AddMinutes(29));
        var (late, overdue) = early.EscalateOverdue(T0.AddMinutes(31));
        var (_, twice) = late.EscalateOverdue(T0.AddMinutes(40));

        Assert.Equal(PartyActOutcome.Done, ackOutcome);
        Assert.Empty(none);
        Assert.Equal(["mu-1"], overdue.Select(d => d.OrganisationId));
        Assert.Empty(twice);
        Assert.Null(late.NextDue);
    }

    [Fact]
    public void An_organisation_without_a_duty_cannot_acknowledge_and_a_non_rescue_has_no_arrival()
    {
        var gas = PartyCase.Open(Entrapment with { RuleId = "ch4_lel.high" }, [Duties[0]], T0);

        Assert.Equal(PartyActOutcome.NotAParty, Opened().Acknowledge("ou-9", "x", T0).Outcome);
        Assert.Equal(PartyActOutcome.NotARescue, gas.Arrive(null, "x", T0).Outcome);
    }

    [Fact]
    public void When_the_alert_ends_acknowledgements_stop_but_the_rescue_clock_runs_on()
    {
        var ended = Opened().AlertEnded(T0.AddMinutes(1));

        Assert.Equal(T0.AddMinutes(30), ended.NextDue);
    }

    [Fact]
    public void A_yellow_case_that_turns_red_takes_reds_deadline_asks_again_of_who_acknowledged_and_tells_the_regulator()
    {
        var yellowAlert = RoutingPolicyTests.Alert("event.power_loss", WarningLevel.Yellow);
        var yellow = PartyCase.Open(yellowAlert, RoutingPolicyTests.Policy.Route(yellowAlert, RoutingPolicyTests.Elevator, RoutingPolicyTests.Organisations.GetValueOrDefault, T0), T0);
        var (acknowledged, _) = yellow.Acknowledge("ou-1", "ou-1.duty", T0.AddMinutes(1));
        var redAt = T0.AddMinutes(10);
        var red = RoutingPolicyTests.Policy.Route(yellowAlert with { Severity = WarningLevel.Red }, RoutingPolicyTests.Elevator, RoutingPolicyTests.Organisations.GetValueOrDefault, redAt);

        var (worse, told) = acknowledged.Worsened(WarningLevel.Red, red);

        Assert.Equal(WarningLevel.Red, worse.Severity);
        Assert.Equal(red, told);
        // The maintenance unit's open yellow acknowledgement (due T0+60) is now due at red's 5 min.
        Assert.Equal(redAt.AddMinutes(5), worse.Duties.Single(d => d.OrganisationId == "mu-1").DueBy);
        // The owner acknowledged the yellow: that stays on record, and the red asks again.
        Assert.Equal([T0.AddMinutes(1), null], worse.Duties.Where(d => d.OrganisationId == "ou-1").Select(d => d.DoneAt));
        Assert.Equal(redAt.AddMinutes(5), worse.Duties.Last(d => d.OrganisationId == "ou-1").DueBy);
        Assert.Contains(worse.Duties, d => d is { OrganisationId: "reg-se", Kind: DutyKind.Informed });
        Assert.Equal(redAt.AddMinutes(5), worse.NextDue);
    }

    [Fact]
    public void A_case_is_not_worsened_by_its_own_level_or_a_milder_one_and_the_rescue_clock_keeps_its_start()
    {
        var (same, nobody) = Opened().Worsened(WarningLevel.Red, Duties);
        var orangeAlert = Entrapment with { Severity = WarningLevel.Orange };
        var orange = PartyCase.Open(orangeAlert, RoutingPolicyTests.Policy.Route(orangeAlert, RoutingPolicyTests.Elevator, RoutingPolicyTests.Organisations.GetValueOrDefault, T0), T0);
        var (red, _) = orange.Worsened(WarningLevel.Red, RoutingPolicyTests.Policy.Route(Entrapment, RoutingPolicyTests.Elevator, RoutingPolicyTests.Organisations.GetValueOrDefault, T0.AddMinutes(20)));

        Assert.Equal(Opened().Duties, same.Duties);
        Assert.Empty(nobody);
        Assert.Equal(T0.AddMinutes(30), red.Rescue!.ArrivalDue);
        Assert.Single(red.Duties, d => d.Kind == DutyKind.ArriveOnSite);
    }
}

public sealed class RescueKpisTests
{
    [Fact]
    public void Rescue_times_per_unit_count_late_and_open_rescues_past_due()
    {
        Rescue[] rescues =
        [
            new("mu-1", T0, T0.AddMinutes(30), T0.AddMinutes(10), "a", T0.AddMinutes(20), "a"),
            new("mu-1", T0, T0.AddMinutes(30), T0.AddMinutes(40), "a", T0.AddMinutes(50), "a"),
            new("mu-1", T0, T0.AddMinutes(30), T0.AddMinutes(20), "a"),
            new("mu-2", T0, T0.AddMinutes(30)),
        ];

        var kpis = RescueKpis.Compute(rescues, T0.AddMinutes(31));

        Assert.Equal(
            [
                new UnitRescueKpi("mu-1", 3, 3, 1, 2, 20, 40, 35),
                new UnitRescueKpi("mu-2", 1, 0, 1, 0, null, null, null),
            ],
            kpis);
    }
}

public sealed class OrganisationTests
{
    [Theory]
    [InlineData("91350100M000100Y43", true)]
    [InlineData("91110000600037341L", true)]
    [InlineData("91350100M000100Y44", false)] // wrong check character
    [InlineData("91350100M000100Y4", false)] // 17 characters
    [InlineData("9135010OM000100Y43", false)] // the letter O is not in the alphabet
    public void A_unified_social_credit_code_is_checked_by_shape_and_check_character(string code, bool valid) =>
        Assert.Equal(valid, Organisation.IsCreditCode(code));

    [Fact]
    public void A_regulator_names_its_industry_and_every_person_a_name_and_role()
    {
        var problems = new Organisation("reg", "监管", OrganisationKind.Regulator, null, null, [new("", "on_call", null, null)]).Problems();

        Assert.Equal(["industry", "people"], problems.Keys.Order());
    }

    [Fact]
    public void Asset_parties_must_name_live_organisations_of_the_right_kind_and_a_hazard_source_its_three_guarantors()
    {
        var organisations = new Dictionary<string, Organisation>
        {
            ["ou-1"] = new("ou-1", "企业", OrganisationKind.OwnerUnit, null, null, []),
            ["reg-hc"] = new("reg-hc", "应急", OrganisationKind.Regulator, "hazardous_chemicals", null, []),
        };

        var problems = new AssetParties("hz-1", "ou-1", "reg-hc", "nope", [new("沈超", Person.Principal, null, null)])
            .Problems("hazard_source", organisations.GetValueOrDefault);

        Assert.Equal(["guarantors", "maintenanceUnitId", "regulatorId"], problems.Keys.Order());
        Assert.Contains("No organisation 'nope'", problems["regulatorId"][0], StringComparison.Ordinal);
    }
}
