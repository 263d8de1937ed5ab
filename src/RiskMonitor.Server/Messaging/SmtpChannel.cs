using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using RiskMonitor.Domain.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// E-mail over SMTP with MailKit: one connection per message (escalations are rare; a pooled connection would have to
/// notice a server that dropped it), authenticated when a user name is set. The Message-Id is derived from the
/// reference, so a mail system that sees the same notice twice (an at-least-once retry) can tell.
/// </summary>
internal sealed class SmtpChannel(IOptions<MessagingOptions> options) : IMessageChannel
{
    public MessageChannelKind Kind => MessageChannelKind.Email;

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Smtp.Host);

    public async Task<MessageReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var smtp = options.Value.Smtp;
        if (message.To.Email is not { } address)
        {
            throw new InvalidOperationException($"{message.To.Name} has no e-mail address.");
        }

        using var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(smtp.From ?? throw new InvalidOperationException("Messaging:Smtp:From is not set.")));
        mail.To.Add(new MailboxAddress(message.To.Name, address));
        mail.Subject = message.Subject;
        mail.MessageId = ReferenceId(message.Reference) + "@riskmonitor.local";
        mail.Headers.Add("X-RiskMonitor-Reference", message.Reference);
        if (message.Severity >= Domain.WarningLevel.Red)
        {
            mail.Priority = MessagePriority.Urgent;
            mail.Importance = MessageImportance.High;
        }

        var body = new BodyBuilder { TextBody = message.Text };
        foreach (var attachment in message.Attachments ?? [])
        {
            body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
        }

        mail.Body = body.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Messaging:Smtp:Host is not set."), smtp.Port, ParseSecurity(smtp.Security) ?? SecureSocketOptions.Auto, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, cancellationToken);
        }

        var response = await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return new MessageReceipt(mail.MessageId, response);
    }

    /// <summary>The MailKit setting for <c>Messaging:Smtp:Security</c>; null when it is none of the four.</summary>
    public static SecureSocketOptions? ParseSecurity(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "sslonconnect" => SecureSocketOptions.SslOnConnect,
        "auto" => SecureSocketOptions.Auto,
        _ => null,
    };

    private static string ReferenceId(string reference) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(reference)))[..32];
}
