using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts;
using RiskMonitor.Contracts.Assets;

namespace RiskMonitor.Grains.Assets;

/// <summary>How often the silo looks for silent assets, and how many silence checks it starts at once.</summary>
public sealed class QuietAssetWatchOptions
{
    // The configuration section keeps the name it had before the quiet-asset watch was named so (decision 0046).
    public const string SectionName = "SilenceWatch";

    /// <summary>The resolution of offline detection; far below the shortest offline timeout (3 reporting intervals).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Silence checks in flight at most. When a whole district loses its network, tens of thousands of assets fall
    /// silent in the same second; the rest wait for the next scan instead of flooding the silo.
    /// </summary>
    public int MaxChecksInFlight { get; set; } = 1000;
}

/// <summary>
/// One clock for the silence of every active asset on this silo (decision 0006). Each asset grain holds a slot with
/// its silence deadline and re-arms it after each call; one timer scans the slots and asks a grain to check itself
/// once its deadline has passed. This replaces a grain timer per asset, which cost about 500 bytes of heap per active
/// asset (issue 5 allows 4 KB in all) and a timer callback per asset per reporting interval whether it was silent or
/// not. Writing a deadline is one volatile store into a fixed slot, so the hot path takes no lock.
/// </summary>
public sealed partial class QuietAssetWatch : IDisposable
{
    private const int ChunkBits = 12; // 4,096 slots per chunk: chunks never move, so a slot can be written lock-free
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxChunks = 1 << 12; // 16.7 million slots per silo

    private readonly Slot[]?[] _chunks = new Slot[]?[MaxChunks];
    private readonly Stack<int> _free = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly IGrainFactory _grains;
    private readonly ILogger<QuietAssetWatch> _logger;
    private readonly QuietAssetWatchOptions _options;
    private int _used; // slots handed out so far (the scan's upper bound)
    private int _inFlight;
    private int _scanning;
    private ITimer? _timer;

    public QuietAssetWatch(TimeProvider time, IGrainFactory grains, ILogger<QuietAssetWatch> logger, IOptions<QuietAssetWatchOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _grains = grains;
        _logger = logger;
        _options = options.Value;
    }

    /// <summary>Active assets with a slot (for tests and metrics).</summary>
    public int Watched
    {
        get
        {
            lock (_gate)
            {
                return _used - _free.Count;
            }
        }
    }

    /// <summary>Gives an asset a slot, armed to <paramref name="deadline"/>; the first registration starts the clock.</summary>
    public int Register(string assetId, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(assetId);
        int index;
        lock (_gate)
        {
            if (!_free.TryPop(out index))
            {
                index = _used;
                if (index >= MaxChunks * ChunkSize)
                {
                    throw new InvalidOperationException("The silence watch is full.");
                }

                _chunks[index >> ChunkBits] ??= new Slot[ChunkSize];
                Volatile.Write(ref _used, _used + 1); // after the chunk: the scan reads _used without the lock
            }

            ref var slot = ref SlotAt(index);
            slot.AssetId = assetId;
            Volatile.Write(ref slot.DeadlineTicks, deadline.UtcTicks);
            _timer ??= _time.CreateTimer(static state => ((QuietAssetWatch)state!).Scan(), this, _options.ScanInterval, _options.ScanInterval);
        }

        return index;
    }

    /// <summary>The asset is silent if nothing arrives before <paramref name="deadline"/>.</summary>
    public void Arm(int index, DateTimeOffset deadline) => Volatile.Write(ref SlotAt(index).DeadlineTicks, deadline.UtcTicks);

    /// <summary>Nothing to watch until data arrives again (the asset is already offline).</summary>
    public void Disarm(int index) => Volatile.Write(ref SlotAt(index).DeadlineTicks, 0);

    /// <summary>The asset's activation is gone; its slot goes to the next one.</summary>
    public void Release(int index)
    {
        lock (_gate)
        {
            ref var slot = ref SlotAt(index);
            Volatile.Write(ref slot.DeadlineTicks, 0);
            slot.AssetId = null;
            _free.Push(index);
        }
    }

    public void Dispose() => _timer?.Dispose();

    private ref Slot SlotAt(int index) => ref _chunks[index >> ChunkBits]![index & (ChunkSize - 1)];

    private void Scan()
    {
        // A scan that outlasts the interval (a million slots on a loaded machine) is not overlapped by the next one.
        if (Interlocked.Exchange(ref _scanning, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow().UtcTicks;
            var used = Volatile.Read(ref _used);
            for (var index = 0; index < used; index++)
            {
                ref var slot = ref SlotAt(index);
                var deadline = Volatile.Read(ref slot.DeadlineTicks);
                if (deadline == 0 || deadline > now || slot.AssetId is not { } assetId)
                {
                    continue;
                }

                if (Volatile.Read(ref _inFlight) >= _options.MaxChecksInFlight)
                {
                    return; // still armed: the next scan picks it up
                }

                // Disarm before calling, unless data re-armed it meanwhile; the grain re-arms after its check.
                if (Interlocked.CompareExchange(ref slot.DeadlineTicks, 0, deadline) != deadline)
                {
                    continue;
                }

                Interlocked.Increment(ref _inFlight);
                _ = CheckAsync(index, assetId);
            }
        }
        catch (Exception ex)
        {
            // A timer callback that throws takes the process down; a missed scan only delays detection by a second.
            ScanFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _scanning, 0);
        }
    }

    private async Task CheckAsync(int index, string assetId)
    {
        try
        {
            await _grains.Cached<IAssetGrain>(assetId).CheckQuiet();
        }
        catch (Exception ex)
        {
            SilenceCheckFailed(_logger, ex, assetId);
            // Try again a little later, unless the slot has meanwhile gone to another activation or been re-armed.
            ref var slot = ref SlotAt(index);
            if (ReferenceEquals(Volatile.Read(ref slot.AssetId), assetId))
            {
                var retryAt = _time.GetUtcNow().UtcTicks + (10 * _options.ScanInterval.Ticks);
                Interlocked.CompareExchange(ref slot.DeadlineTicks, retryAt, 0);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(EventId = 2605, Level = LogLevel.Warning, Message = "Silence check of asset {AssetId} failed")]
    private static partial void SilenceCheckFailed(ILogger logger, Exception exception, string assetId);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Error, Message = "Silence scan failed; the next one runs in a second")]
    private static partial void ScanFailed(ILogger logger, Exception exception);

    private struct Slot
    {
        public long DeadlineTicks; // UTC ticks; 0 = not armed
        public string? AssetId;
    }
}

public static class QuietAssetWatchServices
{
    /// <summary>
    /// The silo's silence clock for asset grains, with its options bound to <c>QuietAssetWatch</c>, and the services
    /// the asset grains share.
    /// </summary>
    public static IServiceCollection AddQuietAssetWatch(this IServiceCollection services)
    {
        services.AddOptions<QuietAssetWatchOptions>().BindConfiguration(QuietAssetWatchOptions.SectionName);
        services.TryAddSingleton<QuietAssetWatch>();
        services.TryAddSingleton<AssetGrainServices>(); // the asset grains' shared services (heap per active asset, issue 22)
        return services;
    }
}
