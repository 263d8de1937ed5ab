namespace RiskMonitor.Ingestion.Broker;

/// <summary>Where MQTT messages come in: the embedded broker or a client of an external one. Used by the ready check.</summary>
public interface IMqttIngress
{
    /// <summary>True when devices' messages can reach this node right now.</summary>
    bool IsReady { get; }

    /// <summary>One line for the health report: what is (or is not) connected.</summary>
    string Describe();
}
