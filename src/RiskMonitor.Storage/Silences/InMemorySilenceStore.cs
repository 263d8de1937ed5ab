using RiskMonitor.Domain.Alerts;
using RiskMonitor.Storage.Feed;

namespace RiskMonitor.Storage.Silences;

/// <summary>The silences of a server run without PostgreSQL: the same contract, in memory, appending to the in-memory feed.</summary>
public sealed class InMemorySilenceStore(InMemoryFeedLog feed) : ISilenceStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Silence> _silences = new(StringComparer.Ordinal);

    public InMemorySilenceStore()
        : this(new InMemoryFeedLog())
    {
    }

    public Task CreateAsync(Silence silence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silence);
        lock (_gate)
        {
            if (!_silences.TryAdd(silence.SilenceId, silence))
            {
                throw new InvalidOperationException($"Silence '{silence.SilenceId}' exists already.");
            }

            Feed(SilenceFeedPayload.Created, silence.Author, silence.Reason, silence, silence.CreatedAt);
        }

        return Task.CompletedTask;
    }

    public Task<(SilenceExpiry Outcome, Silence? Silence)> ExpireAsync(
        string silenceId, string actor, string? note, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_silences.TryGetValue(silenceId, out var silence))
            {
                return Task.FromResult((SilenceExpiry.Unknown, (Silence?)null));
            }

            if (!silence.Pending(at))
            {
                return Task.FromResult((SilenceExpiry.AlreadyOver, (Silence?)silence));
            }

            var expired = silence with { ExpiredAt = at, ExpiredBy = actor };
            _silences[silenceId] = expired;
            Feed(SilenceFeedPayload.Expired, actor, note, expired, at);
            return Task.FromResult((SilenceExpiry.Expired, (Silence?)expired));
        }
    }

    public Task<Silence?> FindAsync(string silenceId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_silences.GetValueOrDefault(silenceId));
        }
    }

    public Task<IReadOnlyList<Silence>> ListAsync(DateTimeOffset now, bool includeEnded = false, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Silence>>([.. _silences.Values
                .Where(s => includeEnded || s.Pending(now))
                .OrderByDescending(s => s.CreatedAt).ThenBy(s => s.SilenceId, StringComparer.Ordinal)]);
        }
    }

    private void Feed(string action, string actor, string? note, Silence silence, DateTimeOffset at) =>
        feed.Append(SilenceFeedPayload.TypeOf(action), SilenceFeedPayload.SchemaVersion, at,
            silence.Scope == SilenceScope.Asset ? silence.Target : null, silence.Scope == SilenceScope.Region ? silence.Target : null,
            new SilenceFeedPayload(action, actor, note, silence).ToElement());
}
