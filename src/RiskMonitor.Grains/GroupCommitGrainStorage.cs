using System.Globalization;
using Orleans.Storage;
using RiskMonitor.Storage.GrainState;

namespace RiskMonitor.Grains;

/// <summary>
/// The grain storage <see cref="GrainStorage.Name"/> as deployed (docs/decisions/0045-grain-state-by-group-commit.md):
/// states go to PostgreSQL through <see cref="PostgresGrainStateStore"/>, many grains per commit, serialized with
/// Orleans' binary serializer. A grain with no row yet is read from <paramref name="earlier"/> (the Orleans ADO.NET
/// storage that held grain state before), so an upgrade keeps the rules' memory; its first write moves it here.
/// </summary>
public sealed class GroupCommitGrainStorage(PostgresGrainStateStore store, IGrainStorageSerializer serializer, IGrainStorage? earlier) : IGrainStorage
{
    // Asked once; until it is answered (or when it fails) every miss asks the earlier storage, which is always correct.
    private Task<bool>? _earlierStatesExist;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var stored = await store.ReadAsync(grainId.ToString(), stateName);
        if (stored is not null)
        {
            grainState.State = serializer.Deserialize<T>(stored.Payload);
            grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return;
        }

        if (earlier is not null && await EarlierStatesExistAsync())
        {
            await earlier.ReadStateAsync(stateName, grainId, grainState);
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
        }

        // Not in this table yet, whatever the earlier storage had: the first write here inserts.
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = serializer.Serialize(grainState.State).ToArray();
        try
        {
            var version = await store.WriteAsync(grainId.ToString(), stateName, ExpectedVersion(grainState.ETag), payload);
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        catch (GrainStateConflictException ex)
        {
            throw new InconsistentStateException(ex.Message, storedEtag: "unknown", currentEtag: grainState.ETag ?? "none");
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        try
        {
            await store.ClearAsync(grainId.ToString(), stateName, ExpectedVersion(grainState.ETag));
        }
        catch (GrainStateConflictException ex)
        {
            throw new InconsistentStateException(ex.Message, storedEtag: "unknown", currentEtag: grainState.ETag ?? "none");
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<bool> EarlierStatesExistAsync()
    {
        var asked = _earlierStatesExist ??= store.EarlierStatesExistAsync();
        try
        {
            return await asked;
        }
        catch (Exception)
        {
            _earlierStatesExist = null; // ask again next time; meanwhile read the earlier storage
            return true;
        }
    }

    private static long? ExpectedVersion(string? etag) => etag is null ? null : long.Parse(etag, CultureInfo.InvariantCulture);
}
