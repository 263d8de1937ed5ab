using System.Net.Sockets;
using Npgsql;

namespace RiskMonitor.Storage.Postgres;

/// <summary>Tells an outage of the system of record (down, frozen, out of connections) from a bug.</summary>
public static class StoreFailures
{
    /// <summary>
    /// True when PostgreSQL could not be reached or could not serve: no connection, a broken or timed-out one, an
    /// exhausted pool, too many clients, a server shutting down or starting. Such a request may succeed later.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources (too many clients)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal), // shutdown, crash, cannot connect now
        NpgsqlException => true, // the client side of a socket, timeout or pool failure
        TimeoutException or SocketException => true,
        OperationCanceledException { InnerException: { } inner } => IsUnavailable(inner),
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };
}
