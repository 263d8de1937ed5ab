using Npgsql;
using RiskMonitor.Domain.Evidence;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Evidence;

/// <summary>Evidence in PostgreSQL (table <c>evidence_files</c>, migration 0035), bytes and all.</summary>
internal sealed class PostgresEvidenceStore(NpgsqlDataSource dataSource) : IEvidenceStore
{
    private const string Columns = "evidence_id, record_kind, record_id, file_name, kind, size_bytes, sha256, uploaded_by, uploaded_at";

    public async Task AddAsync(EvidenceFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO evidence_files ({Columns}, content)
            VALUES (@id, @kind, @record, @name, @type, @size, @sha, @by, @at, @content)
            """);
        var p = command.Parameters;
        p.AddWithValue("id", file.EvidenceId);
        p.AddWithValue("kind", file.RecordKind);
        p.AddWithValue("record", file.RecordId);
        p.AddWithValue("name", file.FileName);
        p.AddWithValue("type", StorageJson.Name(file.Kind));
        p.AddWithValue("size", file.SizeBytes);
        p.AddWithValue("sha", file.Sha256);
        p.AddWithValue("by", file.UploadedBy);
        p.AddWithValue("at", file.UploadedAt.ToUniversalTime());
        p.AddWithValue("content", content);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<EvidenceFile>> ListAsync(string recordKind, string recordId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM evidence_files WHERE record_kind = @kind AND record_id = @record ORDER BY uploaded_at, evidence_id
            """);
        command.Parameters.AddWithValue("kind", recordKind);
        command.Parameters.AddWithValue("record", recordId);
        var files = new List<EvidenceFile>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            files.Add(Read(reader));
        }

        return files;
    }

    public async Task<(EvidenceFile File, byte[] Content)?> ReadAsync(string recordKind, string recordId, string evidenceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns}, content FROM evidence_files WHERE record_kind = @kind AND record_id = @record AND evidence_id = @id
            """);
        command.Parameters.AddWithValue("kind", recordKind);
        command.Parameters.AddWithValue("record", recordId);
        command.Parameters.AddWithValue("id", evidenceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (Read(reader), reader.GetFieldValue<byte[]>(9)) : null;
    }

    private static EvidenceFile Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), StorageJson.Parse<EvidenceKind>(reader.GetString(4)),
        reader.GetInt32(5), reader.GetString(6), reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8));
}
