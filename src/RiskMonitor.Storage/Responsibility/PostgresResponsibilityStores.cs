using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Storage.Postgres;

namespace RiskMonitor.Storage.Responsibility;

/// <summary>
/// The responsibility registry on PostgreSQL (migration 0020). Every node reads it directly, so a change made through
/// one node is what the next alert on any node is routed by; the rows are few and read once per routed alert.
/// </summary>
internal sealed class PostgresResponsibilityStore(NpgsqlDataSource dataSource) : IResponsibilityStore
{
    private const string UniqueViolation = "23505";

    public async Task<IReadOnlyList<Organisation>> ListOrganisationsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT body::text, version FROM organisations ORDER BY organisation_id");
        return await ReadOrganisationsAsync(command, cancellationToken);
    }

    public async Task<Organisation?> FindOrganisationAsync(string organisationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT body::text, version FROM organisations WHERE organisation_id = @id");
        command.Parameters.AddWithValue("id", organisationId);
        return (await ReadOrganisationsAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<Organisation?> FindOrganisationOfAccountAsync(string account, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT body::text, version FROM organisations WHERE body -> 'people' @> @person AND NOT retired ORDER BY organisation_id LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter("person", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(new[] { new { account } }) });
        return (await ReadOrganisationsAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<RegistryWrite> SaveOrganisationAsync(Organisation organisation, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Organisation? current;
        await using (var read = new NpgsqlCommand("SELECT body::text, version FROM organisations WHERE organisation_id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", organisation.Id);
            current = (await ReadOrganisationsAsync(read, cancellationToken)).FirstOrDefault();
        }

        if (ResponsibilityWrites.CheckOrganisation(current, organisation, expectedVersion) is { } refused)
        {
            return refused;
        }

        if (organisation.Retired)
        {
            await using var used = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM asset_parties WHERE @id IN (owner_unit_id, maintenance_unit_id, regulator_id))", connection, transaction);
            used.Parameters.AddWithValue("id", organisation.Id);
            if (await used.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new RegistryWrite(RegistryWriteOutcome.InUse, current!.Version);
            }
        }

        var version = (current?.Version ?? 0) + 1;
        var saved = organisation with { Version = version };
        await using (var write = new NpgsqlCommand("""
            INSERT INTO organisations (organisation_id, kind, credit_code, version, retired, updated_at, updated_by, body)
            VALUES (@id, @kind, @credit_code, @version, @retired, @at, @actor, @body)
            ON CONFLICT (organisation_id) DO UPDATE SET credit_code = excluded.credit_code, version = excluded.version,
                retired = excluded.retired, updated_at = excluded.updated_at, updated_by = excluded.updated_by, body = excluded.body
            """, connection, transaction))
        {
            var p = write.Parameters;
            p.AddWithValue("id", saved.Id);
            p.AddWithValue("kind", StorageJson.Name(saved.Kind));
            p.Add(new NpgsqlParameter("credit_code", NpgsqlDbType.Text) { Value = (object?)saved.CreditCode ?? DBNull.Value });
            p.AddWithValue("version", version);
            p.AddWithValue("retired", saved.Retired);
            p.AddWithValue("at", at.ToUniversalTime());
            p.AddWithValue("actor", actor);
            p.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(saved, StorageJson.Options) });
            try
            {
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == UniqueViolation && ex.ConstraintName == "organisations_credit_code")
            {
                return new RegistryWrite(RegistryWriteOutcome.DuplicateCreditCode, current?.Version ?? 0);
            }
        }

        await AuditAsync(connection, transaction, "organisation", saved.Id, version, actor, at, JsonSerializer.Serialize(saved, StorageJson.Options), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RegistryWrite.Saved(version);
    }

    public async Task<AssetParties?> FindPartiesAsync(string assetId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT body::text, version FROM asset_parties WHERE asset_id = @id");
        command.Parameters.AddWithValue("id", assetId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadParties(reader) : null;
    }

    public async Task<IReadOnlySet<string>> WithPartiesAsync(IReadOnlyCollection<string> assetIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (assetIds.Count == 0)
        {
            return found;
        }

        await using var command = dataSource.CreateCommand("SELECT asset_id FROM asset_parties WHERE asset_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", assetIds.Distinct(StringComparer.Ordinal).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    public async Task<IReadOnlyDictionary<string, AssetParties>> PartiesOfAsync(IReadOnlyCollection<string> assetIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var found = new Dictionary<string, AssetParties>(StringComparer.Ordinal);
        if (assetIds.Count == 0)
        {
            return found;
        }

        await using var command = dataSource.CreateCommand("SELECT body::text, version FROM asset_parties WHERE asset_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", assetIds.Distinct(StringComparer.Ordinal).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var parties = ReadParties(reader);
            found[parties.AssetId] = parties;
        }

        return found;
    }

    public async Task<RegistryWrite> SavePartiesAsync(
        AssetParties parties, string assetKind, int? expectedVersion, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parties);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int? current = null;
        await using (var read = new NpgsqlCommand("SELECT version FROM asset_parties WHERE asset_id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", parties.AssetId);
            if (await read.ExecuteScalarAsync(cancellationToken) is int version)
            {
                current = version;
            }
        }

        if (ResponsibilityWrites.CheckVersion(current, expectedVersion) is { } refused)
        {
            return refused;
        }

        // The organisations named, locked against a concurrent retirement until this write commits.
        var named = new[] { parties.OwnerUnitId, parties.MaintenanceUnitId, parties.RegulatorId }.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var found = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        await using (var lookup = new NpgsqlCommand(
            "SELECT body::text, version FROM organisations WHERE organisation_id = ANY(@ids) FOR SHARE", connection, transaction))
        {
            lookup.Parameters.AddWithValue("ids", named);
            foreach (var organisation in await ReadOrganisationsAsync(lookup, cancellationToken))
            {
                found[organisation.Id] = organisation;
            }
        }

        var problems = parties.Problems(assetKind, id => found.GetValueOrDefault(id));
        if (problems.Count > 0)
        {
            return new RegistryWrite(RegistryWriteOutcome.Invalid, current ?? 0, problems);
        }

        var next = (current ?? 0) + 1;
        var saved = parties with { Version = next };
        var body = JsonSerializer.Serialize(saved, StorageJson.Options);
        await using (var write = new NpgsqlCommand(UpsertPartiesSql, connection, transaction))
        {
            BindParties(write.Parameters, saved, body, actor, at);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditAsync(connection, transaction, "asset_parties", saved.AssetId, next, actor, at, body, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RegistryWrite.Saved(next);
    }

    public async Task<bool> SeedAsync(IReadOnlyList<Organisation> organisations, IReadOnlyList<AssetParties> parties, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organisations);
        ArgumentNullException.ThrowIfNull(parties);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Two nodes starting at once: the lock makes the second see the first one's rows and seed nothing.
        await using (var lockCommand = new NpgsqlCommand("LOCK TABLE organisations IN EXCLUSIVE MODE", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM organisations) OR EXISTS (SELECT 1 FROM asset_parties)", connection, transaction))
        {
            if (await any.ExecuteScalarAsync(cancellationToken) is true)
            {
                return false;
            }
        }

        const string Actor = "seed";
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var organisation in organisations)
        {
            var saved = organisation with { Version = 1 };
            var command = new NpgsqlBatchCommand("""
                INSERT INTO organisations (organisation_id, kind, credit_code, version, retired, updated_at, updated_by, body)
                VALUES (@id, @kind, @credit_code, 1, @retired, @at, @actor, @body)
                """);
            var p = command.Parameters;
            p.AddWithValue("id", saved.Id);
            p.AddWithValue("kind", StorageJson.Name(saved.Kind));
            p.Add(new NpgsqlParameter("credit_code", NpgsqlDbType.Text) { Value = (object?)saved.CreditCode ?? DBNull.Value });
            p.AddWithValue("retired", saved.Retired);
            p.AddWithValue("at", at.ToUniversalTime());
            p.AddWithValue("actor", Actor);
            p.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(saved, StorageJson.Options) });
            batch.BatchCommands.Add(command);
        }

        foreach (var party in parties)
        {
            var saved = party with { Version = 1 };
            var command = new NpgsqlBatchCommand(UpsertPartiesSql);
            BindParties(command.Parameters, saved, JsonSerializer.Serialize(saved, StorageJson.Options), Actor, at);
            batch.BatchCommands.Add(command);
        }

        var audit = new NpgsqlBatchCommand("""
            INSERT INTO registry_changes (entity, entity_id, version, actor, at, body)
            SELECT 'organisation', organisation_id, version, updated_by, updated_at, body FROM organisations
            UNION ALL SELECT 'asset_parties', asset_id, version, updated_by, updated_at, body FROM asset_parties
            """);
        batch.BatchCommands.Add(audit);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private const string UpsertPartiesSql = """
        INSERT INTO asset_parties (asset_id, owner_unit_id, maintenance_unit_id, regulator_id, version, updated_at, updated_by, body)
        VALUES (@asset_id, @owner, @maintenance, @regulator, @version, @at, @actor, @body)
        ON CONFLICT (asset_id) DO UPDATE SET owner_unit_id = excluded.owner_unit_id, maintenance_unit_id = excluded.maintenance_unit_id,
            regulator_id = excluded.regulator_id, version = excluded.version, updated_at = excluded.updated_at,
            updated_by = excluded.updated_by, body = excluded.body
        """;

    private static void BindParties(NpgsqlParameterCollection p, AssetParties parties, string body, string actor, DateTimeOffset at)
    {
        p.AddWithValue("asset_id", parties.AssetId);
        p.AddWithValue("owner", parties.OwnerUnitId);
        p.Add(new NpgsqlParameter("maintenance", NpgsqlDbType.Text) { Value = (object?)parties.MaintenanceUnitId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("regulator", NpgsqlDbType.Text) { Value = (object?)parties.RegulatorId ?? DBNull.Value });
        p.AddWithValue("version", parties.Version);
        p.AddWithValue("at", at.ToUniversalTime());
        p.AddWithValue("actor", actor);
        p.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = body });
    }

    private static async Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string entity, string id, int version, string actor, DateTimeOffset at, string body,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO registry_changes (entity, entity_id, version, actor, at, body) VALUES (@entity, @id, @version, @actor, @at, @body)",
            connection, transaction);
        var p = command.Parameters;
        p.AddWithValue("entity", entity);
        p.AddWithValue("id", id);
        p.AddWithValue("version", version);
        p.AddWithValue("actor", actor);
        p.AddWithValue("at", at.ToUniversalTime());
        p.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = body });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<Organisation>> ReadOrganisationsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Organisation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var organisation = JsonSerializer.Deserialize<Organisation>(reader.GetString(0), StorageJson.Options)
                ?? throw new InvalidDataException("An organisation row holds JSON null.");
            list.Add(organisation with { Version = reader.GetInt32(1) });
        }

        return list;
    }

    private static AssetParties ReadParties(NpgsqlDataReader reader) =>
        (JsonSerializer.Deserialize<AssetParties>(reader.GetString(0), StorageJson.Options)
            ?? throw new InvalidDataException("An asset_parties row holds JSON null.")) with
        { Version = reader.GetInt32(1) };
}

/// <summary>Party cases on PostgreSQL (table <c>party_cases</c>, migration 0020): one row per routed alert, rewritten on each act.</summary>
internal sealed class PostgresPartyCaseStore(NpgsqlDataSource dataSource) : IPartyCaseStore
{
    public async Task<PartyCase?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT body::text FROM party_cases WHERE alert_id = @id");
        command.Parameters.AddWithValue("id", alertId);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task SaveAsync(PartyCase partyCase, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partyCase);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO party_cases (alert_id, asset_id, opened_at, organisation_ids, rescue_unit_id, rescue_reported_at, updated_at, body)
            VALUES (@alert_id, @asset_id, @opened_at, @organisations, @rescue_unit, @rescue_reported_at, @at, @body)
            ON CONFLICT (alert_id) DO UPDATE SET organisation_ids = excluded.organisation_ids, rescue_unit_id = excluded.rescue_unit_id,
                rescue_reported_at = excluded.rescue_reported_at, updated_at = excluded.updated_at, body = excluded.body
            """);
        var p = command.Parameters;
        p.AddWithValue("alert_id", partyCase.AlertId);
        p.AddWithValue("asset_id", partyCase.AssetId);
        p.AddWithValue("opened_at", partyCase.OpenedAt.ToUniversalTime());
        p.AddWithValue("organisations", partyCase.OrganisationIds.ToArray());
        p.Add(new NpgsqlParameter("rescue_unit", NpgsqlDbType.Text) { Value = (object?)partyCase.Rescue?.UnitId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("rescue_reported_at", NpgsqlDbType.TimestampTz) { Value = (object?)partyCase.Rescue?.ReportedAt.ToUniversalTime() ?? DBNull.Value });
        p.AddWithValue("at", at.ToUniversalTime());
        p.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(partyCase, StorageJson.Options) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PartyCase>> ListForOrganisationAsync(string organisationId, DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT body::text FROM party_cases WHERE organisation_ids @> ARRAY[@org] AND opened_at >= @since ORDER BY opened_at DESC LIMIT @limit");
        command.Parameters.AddWithValue("org", organisationId);
        command.Parameters.AddWithValue("since", since.ToUniversalTime());
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<PartyCase>> RescueCasesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT body::text FROM party_cases WHERE rescue_unit_id IS NOT NULL AND rescue_reported_at >= @from AND rescue_reported_at < @to");
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", to.ToUniversalTime());
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, WarningLevel>> ToldSeveritiesAsync(IReadOnlyCollection<string> alertIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alertIds);
        if (alertIds.Count == 0)
        {
            return new Dictionary<string, WarningLevel>();
        }

        await using var command = dataSource.CreateCommand("SELECT body::text FROM party_cases WHERE alert_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", alertIds.Distinct(StringComparer.Ordinal).ToArray());
        return (await ReadAsync(command, cancellationToken)).ToDictionary(c => c.AlertId, c => c.Severity, StringComparer.Ordinal);
    }

    private static async Task<List<PartyCase>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<PartyCase>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(JsonSerializer.Deserialize<PartyCase>(reader.GetString(0), StorageJson.Options)
                ?? throw new InvalidDataException("A party_cases row holds JSON null."));
        }

        return list;
    }
}
