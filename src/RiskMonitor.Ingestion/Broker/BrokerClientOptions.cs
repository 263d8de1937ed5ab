using MQTTnet;
using MQTTnet.Formatter;

namespace RiskMonitor.Ingestion.Broker;

/// <summary>How a node connects to the external broker: one place for the silo's own session and for a takeover.</summary>
internal static class BrokerClientOptions
{
    /// <summary>A persistent MQTT 5 session (clean start off, the configured expiry) under <paramref name="clientId"/>.</summary>
    public static MqttClientOptionsBuilder PersistentSession(MqttBrokerOptions broker, string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)broker.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
        if (!string.IsNullOrEmpty(broker.Username))
        {
            builder.WithCredentials(broker.Username, broker.Password);
        }

        if (broker.UseTls)
        {
            builder.WithTlsOptions(o => o.UseTls());
        }

        return builder;
    }
}
