using HeCompute.Analytics.Models;
using HeCompute.Server.Options;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Predictions;

/// <summary>
/// Compiled models by model id, at most <c>HeCompute:Analytics:CompiledModelCapacity</c> of them, least recently used
/// evicted first. Compiling is deterministic from the stored document and slot count, so an evicted or restarted
/// entry is simply rebuilt.
/// </summary>
public sealed class CompiledModelCache(IOptions<HeComputeServerOptions> options)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(string ModelId, IEncryptedModel Model)> _lru = new();
    private readonly Dictionary<string, LinkedListNode<(string ModelId, IEncryptedModel Model)>> _index = new(StringComparer.Ordinal);

    /// <summary>The cached compiled model, or null.</summary>
    public IEncryptedModel? Get(string modelId)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(modelId, out var node))
            {
                return null;
            }

            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value.Model;
        }
    }

    /// <summary>Adds or replaces a compiled model.</summary>
    public void Put(string modelId, IEncryptedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_lock)
        {
            if (_index.Remove(modelId, out var existing))
            {
                _lru.Remove(existing);
            }

            _index[modelId] = _lru.AddFirst((modelId, model));
            while (_index.Count > options.Value.Analytics.CompiledModelCapacity && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _index.Remove(last.Value.ModelId);
            }
        }
    }

    /// <summary>Drops a model (on delete or erasure).</summary>
    public void Evict(string modelId)
    {
        lock (_lock)
        {
            if (_index.Remove(modelId, out var node))
            {
                _lru.Remove(node);
            }
        }
    }

    /// <summary>Drops every entry (on a tenant's erasure, whose model ids are no longer known).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _index.Clear();
            _lru.Clear();
        }
    }
}
