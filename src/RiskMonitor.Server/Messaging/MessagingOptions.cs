using System.ComponentModel.DataAnnotations;
using RiskMonitor.Domain.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// Configuration section <c>Messaging</c> (docs/decisions/0036-people-are-told.md): the e-mail and SMS channels, the
/// contact directory of named people, and the message templates. A channel whose section is not filled in is off.
/// </summary>
internal sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    public SmtpOptions Smtp { get; set; } = new();

    public SmsGatewayOptions Sms { get; set; } = new();

    /// <summary>
    /// Named people and how to reach them; the names are those of the duty roster and the region file (实名制). Until the
    /// organisation registry (issue 20, items 1-3) holds people, this is where their e-mail and quiet hours live.
    /// </summary>
    public List<ContactEntry> Contacts { get; set; } = [];

    /// <summary>The local time that quiet hours are written in (China Standard Time by default, as the KPIs).</summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Subject line; placeholders as in <see cref="MessageTemplate"/>.</summary>
    [Required] public string SubjectTemplate { get; set; } = MessageTemplate.DefaultSubject;

    /// <summary>E-mail body; placeholders as in <see cref="MessageTemplate"/>.</summary>
    [Required] public string EmailTemplate { get; set; } = MessageTemplate.DefaultEmail;

    /// <summary>Text message; kept short, a text of more than 70 Chinese characters is split and billed per part.</summary>
    [Required] public string SmsTemplate { get; set; } = MessageTemplate.DefaultSms;

    public IReadOnlyDictionary<string, PersonContact> Directory()
    {
        var contacts = new Dictionary<string, PersonContact>(StringComparer.Ordinal);
        foreach (var entry in Contacts)
        {
            QuietHours? quiet = null;
            if (!string.IsNullOrWhiteSpace(entry.QuietHours))
            {
                quiet = Domain.Messaging.QuietHours.TryParse(entry.QuietHours, UtcOffset, out var problem)
                    ?? throw new InvalidOperationException($"Messaging:Contacts '{entry.Name}': {problem}");
            }

            contacts[entry.Name] = new PersonContact(entry.Name, entry.Email, entry.Phone, quiet);
        }

        return contacts;
    }

    /// <summary>Whether the section can work (checked at start-up): contacts named once, quiet hours readable, a sender for SMTP.</summary>
    public static bool IsValid(MessagingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Contacts.All(c => !string.IsNullOrWhiteSpace(c.Name)
                                         && (string.IsNullOrWhiteSpace(c.QuietHours) || Domain.Messaging.QuietHours.TryParse(c.QuietHours, options.UtcOffset, out _) is not null))
               && options.Contacts.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() == options.Contacts.Count
               && (options.Smtp.Host is null || (!string.IsNullOrWhiteSpace(options.Smtp.From) && SmtpChannel.ParseSecurity(options.Smtp.Security) is not null));
    }
}

internal sealed class ContactEntry
{
    public string Name { get; set; } = string.Empty;

    public string? Email { get; set; }

    public string? Phone { get; set; }

    /// <summary><c>HH:mm-HH:mm</c> local time; messages below red are held back then.</summary>
    public string? QuietHours { get; set; }
}

/// <summary>E-mail over SMTP (MailKit); off while <see cref="Host"/> is unset.</summary>
internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)] public int Port { get; set; } = 25;

    /// <summary><c>None</c>, <c>StartTls</c> (port 587), <c>SslOnConnect</c> (port 465) or <c>Auto</c>.</summary>
    public string Security { get; set; } = "Auto";

    /// <summary>The sender, e.g. <c>城市安全监测 &lt;alerts@city.example&gt;</c>.</summary>
    public string? From { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A generic HTTP SMS gateway; off while <see cref="Url"/> is unset.</summary>
internal sealed class SmsGatewayOptions
{
    /// <summary>Where each message is POSTed as JSON (<c>to</c>, <c>text</c>, <c>reference</c>, <c>sender</c>).</summary>
    public Uri? Url { get; set; }

    /// <summary>The HMAC-SHA256 key both sides share: it signs what we send and verifies the receipts the gateway posts back.</summary>
    public string? Secret { get; set; }

    /// <summary>The sender id or signature the gateway shows (短信签名).</summary>
    public string? Sender { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
