using System.Collections.Concurrent;
using HeCompute.Server.Compute;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.KeySets;

/// <summary>
/// Deserialized key sets kept in memory under a byte budget (<c>HeCompute:KeyCache:ByteBudget</c>), least recently used
/// evicted first. Concurrent requests for the same key set share one load. A key set larger than the whole budget is
/// loaded for the caller but not kept.
/// </summary>
public sealed class EvaluationKeyCache(IBlobStore blobs, IComputeScheduler compute, IOptions<HeComputeServerOptions> options, HeComputeMetrics metrics)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(string KeySetId, string TenantId, LoadedKeySet Keys)> _lru = new();
    private readonly Dictionary<string, LinkedListNode<(string KeySetId, string TenantId, LoadedKeySet Keys)>> _index = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<LoadedKeySet>>> _loading = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>Approximate bytes currently held.</summary>
    public long CurrentBytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Key sets currently held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>The deserialized keys of <paramref name="keySet"/> (which the caller looked up for its tenant).</summary>
    public async Task<LoadedKeySet> GetAsync(KeySetRecord keySet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        lock (_lock)
        {
            if (_index.TryGetValue(keySet.Id, out var node) && node.Value.TenantId == keySet.TenantId)
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                metrics.RecordKeyCacheLookup(hit: true);
                return node.Value.Keys;
            }
        }

        metrics.RecordKeyCacheLookup(hit: false);
        var maxPart = options.Value.Limits.MaxKeySetPartBytes;
        // One load shared by every waiter, so no single caller's cancellation stops it.
        var lazy = _loading.GetOrAdd(keySet.Id, _ => new Lazy<Task<LoadedKeySet>>(() => compute.RunAsync(
            new ComputeRequest("keyset-load"),
            _ =>
            {
                var parts = keySet.Parts.ToDictionary(p => p.Name, p => (Func<Stream>)(() => blobs.OpenRead(p.Sha256)), StringComparer.Ordinal);
                return KeySetLoader.Load(parts, maxPart);
            },
            CancellationToken.None)));
        try
        {
            var keys = await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            Put(keySet.Id, keySet.TenantId, keys);
            return keys;
        }
        finally
        {
            _loading.TryRemove(new KeyValuePair<string, Lazy<Task<LoadedKeySet>>>(keySet.Id, lazy));
        }
    }

    /// <summary>Adds keys just validated on upload (so the first computation does not load them again).</summary>
    public void Put(string keySetId, string tenantId, LoadedKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var budget = options.Value.KeyCache.ByteBudget;
        if (keys.ApproximateBytes > budget)
        {
            return;
        }

        lock (_lock)
        {
            if (_index.TryGetValue(keySetId, out var existing))
            {
                _lru.Remove(existing);
                _bytes -= existing.Value.Keys.ApproximateBytes;
            }

            _index[keySetId] = _lru.AddFirst((keySetId, tenantId, keys));
            _bytes += keys.ApproximateBytes;
            while (_bytes > budget && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _index.Remove(last.Value.KeySetId);
                _bytes -= last.Value.Keys.ApproximateBytes;
            }
        }
    }

    /// <summary>Drops one key set (on delete).</summary>
    public void Evict(string keySetId)
    {
        lock (_lock)
        {
            if (_index.Remove(keySetId, out var node))
            {
                _lru.Remove(node);
                _bytes -= node.Value.Keys.ApproximateBytes;
            }
        }
    }

    /// <summary>Drops every key set of a tenant (on erasure).</summary>
    public void EvictTenant(string tenantId)
    {
        lock (_lock)
        {
            for (var node = _lru.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.TenantId == tenantId)
                {
                    _lru.Remove(node);
                    _index.Remove(node.Value.KeySetId);
                    _bytes -= node.Value.Keys.ApproximateBytes;
                }

                node = next;
            }
        }
    }
}
