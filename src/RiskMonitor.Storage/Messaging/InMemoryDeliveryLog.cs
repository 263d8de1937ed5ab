namespace RiskMonitor.Storage.Messaging;

/// <summary>The delivery log without PostgreSQL (demos, unit runs): kept as long as the process. Public like the other in-memory stores.</summary>
public sealed class InMemoryDeliveryLog : IDeliveryLog
{
    private readonly Lock _gate = new();
    private readonly List<DeliveryRecord> _records = [];

    public Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _records.Add(record);
        }

        return Task.CompletedTask;
    }

    public Task<bool> ApplyReceiptAsync(
        string channel, string providerMessageId, DeliveryStatus status, string? providerStatus, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var index = _records.FindLastIndex(r => r.Channel == channel && r.ProviderMessageId == providerMessageId);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            _records[index] = _records[index] with { Status = status, ProviderStatus = providerStatus, ReceiptAt = at };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(string? alertId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeliveryRecord>>([.. _records
                .Where(r => alertId is null || r.AlertId == alertId)
                .AsEnumerable().Reverse()
                .Take(Math.Clamp(limit, 1, 1000))]);
        }
    }
}
