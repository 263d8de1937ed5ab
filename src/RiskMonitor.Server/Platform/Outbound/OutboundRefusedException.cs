namespace RiskMonitor.Server.Platform.Outbound;

/// <summary>
/// An outbound connection the policy refused before any packet was sent. The message names the rule, never whether
/// the target would have answered, so delivery status cannot be used to scan ports.
/// </summary>
internal sealed class OutboundRefusedException : Exception
{
    public OutboundRefusedException()
    {
    }

    public OutboundRefusedException(string message)
        : base(message)
    {
    }

    public OutboundRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The refusal inside an exception chain (SocketsHttpHandler wraps what its connect callback throws).</summary>
    public static OutboundRefusedException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OutboundRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}
