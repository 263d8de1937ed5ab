using System.Xml.Linq;
using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Server.Integration;

namespace RiskMonitor.Server.Tests.Cap;

/// <summary>The CAP mapping on its own: every shape of alert is a valid CAP 1.2 message with the documented values.</summary>
public sealed class CapAlertTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 4, 0, 0, 123, TimeSpan.Zero);
    private static readonly XNamespace C = CapSchema.Namespace;

    [Fact]
    public void A_new_red_gas_leak_is_an_Alert_Extreme_Immediate_Observed_in_Infra_and_Fire()
    {
        var xml = CapAlert.ToXml(Alert(), "rm@city");

        Assert.Empty(CapSchema.Validate(xml));
        Assert.Equal("rm-gp-001~ch4_lel.high~1764043200123", xml.Element(C + "identifier")!.Value);
        Assert.Equal("2026-11-25T04:00:00-00:00", xml.Element(C + "sent")!.Value);
        Assert.Equal(("Actual", "Alert", "Restricted"), (xml.Element(C + "status")!.Value, xml.Element(C + "msgType")!.Value, xml.Element(C + "scope")!.Value));
        Assert.Null(xml.Element(C + "references"));
        var info = xml.Element(C + "info")!;
        Assert.Equal(["Infra", "Fire"], info.Elements(C + "category").Select(c => c.Value));
        Assert.Equal(("Extreme", "Immediate", "Observed", "Monitor"),
            (info.Element(C + "severity")!.Value, info.Element(C + "urgency")!.Value, info.Element(C + "certainty")!.Value, info.Element(C + "responseType")!.Value));
    }

    [Fact]
    public void A_later_version_is_an_Update_that_references_the_first_and_a_cleared_one_is_AllClear_and_Past()
    {
        var cleared = Alert() with { ConditionActive = false, UpdatedAt = T0.AddMinutes(7), ClearedAt = T0.AddMinutes(7) };

        var xml = CapAlert.ToXml(cleared, "rm@city");

        Assert.Empty(CapSchema.Validate(xml));
        Assert.Equal("Update", xml.Element(C + "msgType")!.Value);
        Assert.Equal("rm-gp-001~ch4_lel.high~1764043200123.20261125T040700123", xml.Element(C + "identifier")!.Value);
        Assert.Equal("rm@city,rm-gp-001~ch4_lel.high~1764043200123,2026-11-25T04:00:00-00:00", xml.Element(C + "references")!.Value);
        var info = xml.Element(C + "info")!;
        Assert.Equal(("AllClear", "Past"), (info.Element(C + "responseType")!.Value, info.Element(C + "urgency")!.Value));
    }

    [Theory]
    [InlineData(WarningLevel.Red, "Extreme", "Immediate")]
    [InlineData(WarningLevel.Orange, "Severe", "Immediate")]
    [InlineData(WarningLevel.Yellow, "Moderate", "Expected")]
    [InlineData(WarningLevel.Blue, "Minor", "Future")]
    public void Each_warning_level_maps_to_its_severity_and_urgency_and_stays_valid(WarningLevel level, string severity, string urgency)
    {
        var xml = CapAlert.ToXml(Alert() with { Severity = level, Level = level }, "rm@city");

        Assert.Empty(CapSchema.Validate(xml));
        Assert.Equal((severity, urgency), (xml.Element(C + "info")!.Element(C + "severity")!.Value, xml.Element(C + "info")!.Element(C + "urgency")!.Value));
    }

    [Fact]
    public void An_offline_elevator_alert_with_odd_characters_is_Possible_Safety_and_still_valid()
    {
        var offline = Alert() with
        {
            AlertId = "el 1,<x>&~offline~1",
            AssetId = "el-1",
            RuleId = "offline",
            Severity = WarningLevel.Blue,
            Level = WarningLevel.Blue,
            Industry = "special_equipment",
            Kind = "elevator",
            Metric = null,
            Value = null,
            Message = "设备离线 <no data> & silent",
            State = AlertState.Closed,
            ConditionActive = false,
            UpdatedAt = T0.AddHours(1),
        };

        var xml = CapAlert.ToXml(offline, "rm@city");

        Assert.Empty(CapSchema.Validate(xml));
        Assert.DoesNotMatch("[ ,<&]", xml.Element(C + "identifier")!.Value);
        Assert.Equal(("Possible", "Safety"), (xml.Element(C + "info")!.Element(C + "certainty")!.Value, xml.Element(C + "info")!.Element(C + "category")!.Value));
    }

    [Fact]
    public void A_clear_taken_in_with_its_raise_in_one_batch_is_still_an_Update_with_its_own_identifier()
    {
        // One batch, one time: the clear's UpdatedAt equals RaisedAt (a full run once saw two "Alert" entries here).
        var cleared = Alert() with { ConditionActive = false, ClearedAt = T0 };

        var asRead = CapAlert.ToXml(cleared, "rm@city");
        var fromFeed = CapAlert.ToXml(cleared, "rm@city", raised: false);
        var raise = CapAlert.ToXml(Alert(), "rm@city", raised: true);

        Assert.All(new[] { asRead, fromFeed, raise }, x => Assert.Empty(CapSchema.Validate(x)));
        Assert.Equal(("Update", "Update", "Alert"), (asRead.Element(C + "msgType")!.Value, fromFeed.Element(C + "msgType")!.Value, raise.Element(C + "msgType")!.Value));
        Assert.NotEqual(raise.Element(C + "identifier")!.Value, fromFeed.Element(C + "identifier")!.Value);
        Assert.Equal("AllClear", fromFeed.Element(C + "info")!.Element(C + "responseType")!.Value);
    }

    [Fact]
    public void The_schema_itself_refuses_a_broken_message()
    {
        var xml = CapAlert.ToXml(Alert(), "rm@city");
        xml.Element(C + "sent")!.Value = "2026-11-25T04:00:00Z";
        xml.Element(C + "info")!.Element(C + "severity")!.Value = "Red";

        Assert.Equal(2, CapSchema.Validate(xml).Count);
    }

    private static AlertView Alert() => new(
        "gp-001~ch4_lel.high~1764043200123", "gp-001", "ch4_lel.high", WarningLevel.Red, WarningLevel.Red, AlertState.Open, true, "ch4_lel", 62.5,
        T0, T0, T0, null, T0.AddMinutes(5), "甲烷浓度 62.5 %LEL，超过红色阈值", "测试管段1", "gas_pipeline", "gas", "d-west");
}
