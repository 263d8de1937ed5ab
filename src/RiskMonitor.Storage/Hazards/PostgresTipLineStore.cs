using Npgsql;
using NpgsqlTypes;

namespace RiskMonitor.Storage.Hazards;

/// <summary>The tip line's caller records in PostgreSQL (table <c>hazard_tips</c>, migration 0035).</summary>
internal sealed class PostgresTipLineStore(NpgsqlDataSource dataSource) : ITipLineStore
{
    private const string Columns = "reference, hazard_id, contact, category, department, placement, received_at";

    public async Task AddAsync(TipRecord tip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tip);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO hazard_tips ({Columns}) VALUES (@reference, @hazard, @contact, @category, @department, @placement, @at)
            """);
        var p = command.Parameters;
        p.AddWithValue("reference", tip.Reference);
        p.AddWithValue("hazard", tip.HazardId);
        p.Add(new NpgsqlParameter("contact", NpgsqlDbType.Text) { Value = (object?)tip.Contact ?? DBNull.Value });
        p.Add(new NpgsqlParameter("category", NpgsqlDbType.Text) { Value = (object?)tip.Category ?? DBNull.Value });
        p.AddWithValue("department", tip.Department);
        p.AddWithValue("placement", tip.Placement);
        p.AddWithValue("at", tip.ReceivedAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<TipRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken = default) =>
        FindAsync("reference", reference, cancellationToken);

    public Task<TipRecord?> FindByHazardAsync(string hazardId, CancellationToken cancellationToken = default) =>
        FindAsync("hazard_id", hazardId, cancellationToken);

    private async Task<TipRecord?> FindAsync(string column, string value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM hazard_tips WHERE {column} = @value");
        command.Parameters.AddWithValue("value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new TipRecord(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6))
            : null;
    }
}
