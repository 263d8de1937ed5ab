using Npgsql;
using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Storage.Duty;

/// <summary>The roster in PostgreSQL (table <c>duty_shifts</c>, migration 0006); the schema refuses overlaps.</summary>
internal sealed class PostgresDutyRoster(NpgsqlDataSource dataSource) : IDutyRoster
{
    private const string Columns = "shift_id, starts_at, ends_at, officer, officer_phone, leader, leader_phone";

    public async Task<DutyShift?> OnDutyAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM duty_shifts WHERE cancelled_at IS NULL AND starts_at <= @at AND ends_at > @at LIMIT 1");
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return (await ReadAsync(command, cancellationToken)) is [var shift] ? shift : null;
    }

    public async Task<IReadOnlyList<DutyShift>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM duty_shifts WHERE cancelled_at IS NULL AND starts_at < @to AND ends_at > @from ORDER BY starts_at");
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", to.ToUniversalTime());
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<DutyShift?> AddAsync(DutyShift shift, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shift);
        if (shift.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(shift));
        }

        await using var command = dataSource.CreateCommand($"""
            INSERT INTO duty_shifts (starts_at, ends_at, officer, officer_phone, leader, leader_phone, created_by)
            VALUES (@starts_at, @ends_at, @officer, @officer_phone, @leader, @leader_phone, @actor)
            RETURNING {Columns}
            """);
        var p = command.Parameters;
        p.AddWithValue("starts_at", shift.StartsAt.ToUniversalTime());
        p.AddWithValue("ends_at", shift.EndsAt.ToUniversalTime());
        p.AddWithValue("officer", shift.Officer);
        p.AddWithValue("officer_phone", (object?)shift.OfficerPhone ?? DBNull.Value);
        p.AddWithValue("leader", shift.Leader);
        p.AddWithValue("leader_phone", (object?)shift.LeaderPhone ?? DBNull.Value);
        p.AddWithValue("actor", actor);
        try
        {
            return (await ReadAsync(command, cancellationToken))[0];
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return null;
        }
    }

    public async Task<bool> CancelAsync(long shiftId, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE duty_shifts SET cancelled_by = @actor, cancelled_at = @at WHERE shift_id = @id AND cancelled_at IS NULL");
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        command.Parameters.AddWithValue("id", shiftId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<IReadOnlyList<DutyShift>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var shifts = new List<DutyShift>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            shifts.Add(new DutyShift(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return shifts;
    }
}
