using Microsoft.Extensions.Options;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.Storage.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>People are told (issue 20 item 5, docs/decisions/0036-people-are-told.md): e-mail and SMS behind one port.</summary>
internal static class MessagingModule
{
    public const string SmsClientName = "sms-gateway";

    /// <summary>Call after <c>AddRiskMonitorStores</c> (the stores) and <c>AddOutboundRequests</c>.</summary>
    public static WebApplicationBuilder AddMessaging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName).ValidateDataAnnotations()
            .Validate(MessagingOptions.IsValid, "Messaging: every contact has a name given once and quiet hours as HH:mm-HH:mm; Smtp:Host needs Smtp:From and Security None, StartTls, SslOnConnect or Auto.")
            .ValidateOnStart();
        services.AddDeliveryLog(builder.Configuration);
        services.AddSingleton<IMessageChannel, SmtpChannel>();
        services.AddSingleton<IMessageChannel>(sp =>
        {
            // The gateway is an outbound HTTP call like the webhook: the same address policy (decision 0026).
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(OutboundHttp.ClientName);
            return new SmsGatewayChannel(http, sp.GetRequiredService<IOptions<MessagingOptions>>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<PeopleMessenger>();
        services.AddSingleton<SmsReceipts>();
        // Hazards and incidents are told through their own outbox, sent by the same messenger (decision 0042).
        services.AddRecordMessageOutbox(builder.Configuration);
        services.AddSingleton<RecordMessageSender>();
        services.AddHostedService(sp => sp.GetRequiredService<RecordMessageSender>());
        return builder;
    }

    public static IEndpointRouteBuilder MapMessaging(this IEndpointRouteBuilder routes) => routes.MapMessagingEndpoints();
}
