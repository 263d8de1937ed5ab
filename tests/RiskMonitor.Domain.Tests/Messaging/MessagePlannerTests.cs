using RiskMonitor.Domain.Escalation;
using RiskMonitor.Domain.Messaging;

namespace RiskMonitor.Domain.Tests.Messaging;

public sealed class MessagePlannerTests
{
    private static readonly DateTimeOffset TwoAm = new(2026, 12, 7, 2, 0, 0, TimeSpan.FromHours(8));
    private static readonly HashSet<MessageChannelKind> Both = [MessageChannelKind.Email, MessageChannelKind.Sms];

    private static readonly Dictionary<string, PersonContact> Directory = new()
    {
        ["张值班"] = new("张值班", "zhang@duty.example", "13800000001"),
        ["李带班"] = new("李带班", "li@duty.example", null, new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0), TimeSpan.FromHours(8))),
    };

    private static readonly EscalationRecipient[] Step =
    [
        new(RecipientKind.RegionSupervisor, "王网格", "13900000009", "grid-1"),
        new(RecipientKind.DutyOfficer, "张值班", "13800000099", null),
        new(RecipientKind.DutyLeader, "李带班", "13700000002", null),
        new(RecipientKind.DutyLeader, null, null, null),
    ];

    [Fact]
    public void Each_named_person_gets_an_email_when_the_directory_has_one_and_a_text_to_the_best_known_phone()
    {
        var plan = MessagePlanner.Plan(Step, Directory.GetValueOrDefault, WarningLevel.Red, TwoAm, Both);

        Assert.Equal(["sms:王网格", "email:张值班", "sms:张值班", "email:李带班", "sms:李带班"], plan.Select(p => p.Key));
        Assert.Equal("13900000009", plan[0].Recipient.Phone); // from the region file: the directory does not know him
        Assert.Equal("13800000001", plan[2].Recipient.Phone); // the directory wins over the roster
        Assert.Equal("13700000002", plan[4].Recipient.Phone); // the roster fills what the directory lacks
        Assert.All(plan, p => Assert.False(p.HeldForQuietHours)); // red goes through quiet hours
    }

    [Fact]
    public void Below_red_the_person_in_quiet_hours_is_held_back_and_the_others_are_not()
    {
        var plan = MessagePlanner.Plan(Step, Directory.GetValueOrDefault, WarningLevel.Orange, TwoAm, Both);

        Assert.Equal(["email:李带班", "sms:李带班"], plan.Where(p => p.HeldForQuietHours).Select(p => p.Key));
        Assert.Equal(3, plan.Count(p => !p.HeldForQuietHours));
    }

    [Fact]
    public void Only_the_channels_that_are_on_are_planned_and_a_person_named_twice_is_sent_once()
    {
        var twice = Step.Append(new EscalationRecipient(RecipientKind.RegionSupervisor, "张值班", null, "street-1"));
        var plan = MessagePlanner.Plan(twice, Directory.GetValueOrDefault, WarningLevel.Red, TwoAm, new HashSet<MessageChannelKind> { MessageChannelKind.Email });

        Assert.Equal(["email:张值班", "email:李带班"], plan.Select(p => p.Key));
    }

    [Fact]
    public void A_responsible_partys_notice_is_mailed_to_the_address_the_registry_gave_it()
    {
        EscalationRecipient[] parties =
        [
            new(RecipientKind.ResponsibleParty, "维保值班", "13600000003", null) { Email = "duty@lift-maint.example", OrganisationId = "mu-01" },
            new(RecipientKind.DutyOfficer, "张值班", null, null) { Email = "stale@old.example" },
        ];

        var plan = MessagePlanner.Plan(parties, Directory.GetValueOrDefault, WarningLevel.Red, TwoAm, Both);

        Assert.Equal("duty@lift-maint.example", plan.Single(p => p.Key == "email:维保值班").Recipient.Email);
        Assert.Equal("zhang@duty.example", plan.Single(p => p.Key == "email:张值班").Recipient.Email); // the directory wins
    }
}
