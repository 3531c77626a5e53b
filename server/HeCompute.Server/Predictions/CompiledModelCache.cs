using HeCompute.Analytics.Models;
using HeCompute.Server.Caching;
using HeCompute.Server.Options;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Predictions;

/// <summary>
/// Compiled models by model id, at most <c>HeCompute:Analytics:CompiledModelCapacity</c> of them, least recently used
/// evicted first; concurrent requests for one model share one compilation. Compiling is deterministic from the stored
/// document and slot count, so an evicted or restarted entry is simply rebuilt. A model replaced or dropped here takes
/// its encoded plaintexts in <see cref="EvaluationMemory"/> with it (they belong to its compiled blocks).
/// </summary>
public sealed class CompiledModelCache(IOptions<HeComputeServerOptions> options, EvaluationMemory memory)
{
    private readonly LoadingCache<string, IEncryptedModel> _cache =
        new(options.Value.Analytics.CompiledModelCapacity, _ => 1, StringComparer.Ordinal);

    /// <summary>The cached compiled model, or the one <paramref name="compile"/> builds (once for concurrent callers).</summary>
    public Task<IEncryptedModel> GetOrCompileAsync(string modelId, Func<Task<IEncryptedModel>> compile, CancellationToken cancellationToken) =>
        _cache.GetOrLoadAsync(
            modelId,
            _ =>
            {
                // A compilation after an eviction makes new blocks: the plaintexts of the old ones would only wait for the LRU.
                memory.EvictPlaintexts(modelId);
                return compile();
            },
            cancellationToken);

    /// <summary>Adds or replaces a compiled model.</summary>
    public void Put(string modelId, IEncryptedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _cache.Put(modelId, model);
        memory.EvictPlaintexts(modelId);
    }

    /// <summary>Drops a model and its plaintexts (on delete or erasure).</summary>
    public void Evict(string modelId)
    {
        _cache.Remove(modelId);
        memory.EvictPlaintexts(modelId);
    }

    /// <summary>Drops every entry and every model's plaintexts (on a tenant's erasure, whose model ids are no longer known).</summary>
    public void Clear()
    {
        _cache.Clear();
        memory.EvictAllPlaintexts();
    }
}
