namespace RiskMonitor.Storage.Evidence;

/// <summary>The evidence of a server run without PostgreSQL: the same contract, in memory.</summary>
public sealed class InMemoryEvidenceStore : IEvidenceStore
{
    private readonly Lock _gate = new();
    private readonly List<(EvidenceFile File, byte[] Content)> _files = [];

    public Task AddAsync(EvidenceFile file, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        lock (_gate)
        {
            if (_files.Exists(f => f.File.EvidenceId == file.EvidenceId))
            {
                throw new InvalidOperationException($"Evidence '{file.EvidenceId}' exists already.");
            }

            _files.Add((file, content.ToArray()));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<EvidenceFile>> ListAsync(string recordKind, string recordId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<EvidenceFile>>([.. _files.Select(f => f.File).Where(f => f.RecordKind == recordKind && f.RecordId == recordId)]);
        }
    }

    public Task<(EvidenceFile File, byte[] Content)?> ReadAsync(string recordKind, string recordId, string evidenceId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var (file, content) in _files)
            {
                if (file.EvidenceId == evidenceId && file.RecordKind == recordKind && file.RecordId == recordId)
                {
                    return Task.FromResult<(EvidenceFile, byte[])?>((file, content.ToArray()));
                }
            }
        }

        return Task.FromResult<(EvidenceFile, byte[])?>(null);
    }
}
