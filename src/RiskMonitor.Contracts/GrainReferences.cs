using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace RiskMonitor.Contracts;

/// <summary>
/// Grain references a node asks for on every reading or alert, made once. Orleans 10.4's <c>GetGrain</c> resolves the
/// interface's grain type on each call (a <c>TypeConverter.Format</c> of the interface name and a
/// <c>GetCustomAttributes</c>, no cache): 4 % of the server's CPU in a 10,000-alert storm profile
/// (docs/benchmarks.md). A reference is immutable and bound to the runtime of the factory that made it, so the cache
/// is per factory (one per silo; a test process may hold several) and the reference is the same one
/// <c>GetGrain</c> would return.
/// </summary>
public static class GrainReferences
{
    /// <summary>
    /// Enough for every asset of a large city plus its grids. Past it references are made per call as before, so an
    /// endless stream of unknown keys (a misbehaving gateway) cannot grow memory.
    /// </summary>
    public const int Capacity = 250_000;

    private static readonly ConditionalWeakTable<IGrainFactory, Cache> Caches = [];

    public static TGrain Cached<TGrain>(this IGrainFactory grains, string key)
        where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(key);
        var cache = Caches.GetValue(grains, static _ => new Cache());
        return cache.GetOrMake(cache.ByString, key, static (factory, id) => factory.GetGrain<TGrain>(id), grains);
    }

    public static TGrain Cached<TGrain>(this IGrainFactory grains, long key)
        where TGrain : IGrainWithIntegerKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        var cache = Caches.GetValue(grains, static _ => new Cache());
        return cache.GetOrMake(cache.ByNumber, key, static (factory, id) => factory.GetGrain<TGrain>(id), grains);
    }

    private sealed class Cache
    {
        // ConcurrentDictionary.Count takes every lock; a counter of its own is what a hot path can afford.
        private int _count;

        public ConcurrentDictionary<(Type, string), object> ByString { get; } = new();

        public ConcurrentDictionary<(Type, long), object> ByNumber { get; } = new();

        public TGrain GetOrMake<TKey, TGrain>(
            ConcurrentDictionary<(Type, TKey), object> references, TKey key, Func<IGrainFactory, TKey, TGrain> make, IGrainFactory grains)
            where TGrain : notnull
        {
            if (references.TryGetValue((typeof(TGrain), key), out var found))
            {
                return (TGrain)found;
            }

            var made = make(grains, key);
            if (Volatile.Read(ref _count) < Capacity && references.TryAdd((typeof(TGrain), key), made))
            {
                Interlocked.Increment(ref _count);
            }

            return made;
        }

    }
}
