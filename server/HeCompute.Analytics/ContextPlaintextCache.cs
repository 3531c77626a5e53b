using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics;

/// <summary>
/// The plaintext cache of an <see cref="EvaluationContext"/> made without one (analytics used without a host): entries
/// live as long as both the context and the block that encoded them, so nothing outlives its owners. The leak this
/// replaces was the reverse, a long-lived block holding plaintexts for every short-lived context it met.
/// </summary>
internal sealed class ContextPlaintextCache : IPlaintextCache
{
    private readonly ConditionalWeakTable<object, ConcurrentDictionary<(ParmsId ParmsId, int Level, double Scale), EncodedPlaintexts>> _byOwner = [];

    /// <inheritdoc/>
    public EncodedPlaintexts GetOrAdd(EncodedPlaintextKey key, Func<EncodedPlaintextKey, EncodedPlaintexts> encode)
    {
        ArgumentNullException.ThrowIfNull(key.Owner);
        ArgumentNullException.ThrowIfNull(encode);
        var entries = _byOwner.GetValue(key.Owner, static _ => new());
        return entries.GetOrAdd((key.ParmsId, key.Level, key.Scale), static (_, state) => state.encode(state.key), (key, encode));
    }
}
