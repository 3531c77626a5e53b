namespace HeCompute.Server.Caching;

/// <summary>
/// A least-recently-used cache under a weight budget (bytes, or 1 per entry for a count bound), with loading:
/// concurrent misses on one key share a single load, and a failed load is not cached (the next caller loads again).
/// An entry heavier than the whole budget is returned to its loader but not kept, and so is one removed while it
/// loaded (the removal wins: a deleted object's value does not come back).
/// </summary>
/// <typeparam name="TKey">Entry key.</typeparam>
/// <typeparam name="TValue">Entry value.</typeparam>
public sealed class LoadingCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _lru = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _index;
    private readonly Dictionary<TKey, TaskCompletionSource<TValue>> _loading;
    private readonly long _budget;
    private readonly Func<TValue, long> _weigh;
    private long _weight;

    /// <summary>Creates the cache.</summary>
    /// <param name="budget">Largest total weight kept.</param>
    /// <param name="weigh">The weight of a value (constant 1 for a count bound).</param>
    /// <param name="comparer">Key equality (null: the default).</param>
    public LoadingCache(long budget, Func<TValue, long> weigh, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        ArgumentNullException.ThrowIfNull(weigh);
        _budget = budget;
        _weigh = weigh;
        _index = new Dictionary<TKey, LinkedListNode<Entry>>(comparer);
        _loading = new Dictionary<TKey, TaskCompletionSource<TValue>>(comparer);
    }

    /// <summary>Total weight held.</summary>
    public long Weight
    {
        get
        {
            lock (_lock)
            {
                return _weight;
            }
        }
    }

    /// <summary>Entries held.</summary>
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

    /// <summary>The entries held, most recently used first (a snapshot).</summary>
    public IReadOnlyList<KeyValuePair<TKey, TValue>> Snapshot()
    {
        lock (_lock)
        {
            var entries = new List<KeyValuePair<TKey, TValue>>(_index.Count);
            foreach (var entry in _lru)
            {
                entries.Add(new(entry.Key, entry.Value));
            }

            return entries;
        }
    }

    /// <summary>The cached value of <paramref name="key"/>, marked as most recently used.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// The cached value of <paramref name="key"/>, or the result of <paramref name="load"/>, which runs once for all
    /// concurrent callers. <paramref name="cancellationToken"/> stops this caller's wait, not the shared load.
    /// </summary>
    public async Task<TValue> GetOrLoadAsync(TKey key, Func<TKey, Task<TValue>> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        TaskCompletionSource<TValue>? mine = null;
        Task<TValue> pending;
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value.Value;
            }

            if (!_loading.TryGetValue(key, out var shared))
            {
                shared = mine = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
                _loading[key] = shared;
            }

            pending = shared.Task;
        }

        if (mine is not null)
        {
            // Not awaited here: the load completes the shared task, whichever waiter gives up first.
            _ = CompleteAsync(key, mine, load);
        }

        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The cached value of <paramref name="key"/>, or the one <paramref name="create"/> makes on the calling thread (kept
    /// unless heavier than the budget). For values cheap enough to make twice rather than wait for: concurrent misses
    /// each create, and all later callers get the first value kept.
    /// </summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (TryGet(key, out var cached))
        {
            return cached;
        }

        var value = create(key);
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value.Value;
            }

            PutLocked(key, value);
        }

        return value;
    }

    /// <summary>Adds or replaces an entry (not kept when heavier than the budget).</summary>
    public void Put(TKey key, TValue value)
    {
        lock (_lock)
        {
            PutLocked(key, value);
        }
    }

    /// <summary>Drops one entry (and forgets a load of it in flight).</summary>
    public void Remove(TKey key)
    {
        lock (_lock)
        {
            _loading.Remove(key);
            if (_index.Remove(key, out var node))
            {
                _lru.Remove(node);
                _weight -= node.Value.Weight;
            }
        }
    }

    /// <summary>Drops every entry whose key matches (and forgets loads of them in flight).</summary>
    public void RemoveWhere(Func<TKey, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_lock)
        {
            foreach (var loading in _loading.Keys.Where(match).ToList())
            {
                _loading.Remove(loading);
            }

            for (var node = _lru.First; node is not null;)
            {
                var next = node.Next;
                if (match(node.Value.Key))
                {
                    _lru.Remove(node);
                    _index.Remove(node.Value.Key);
                    _weight -= node.Value.Weight;
                }

                node = next;
            }
        }
    }

    /// <summary>Drops every entry (and forgets loads in flight).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _loading.Clear();
            _index.Clear();
            _lru.Clear();
            _weight = 0;
        }
    }

    private async Task CompleteAsync(TKey key, TaskCompletionSource<TValue> completion, Func<TKey, Task<TValue>> load)
    {
        TValue value;
        try
        {
            value = await load(key).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every failure goes to the waiters, who rethrow it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (_lock)
            {
                ForgetLoad(key, completion);
            }

            completion.SetException(ex);
            return;
        }

        lock (_lock)
        {
            if (ForgetLoad(key, completion))
            {
                PutLocked(key, value);
            }
        }

        completion.SetResult(value);
    }

    /// <summary>Ends a load's registration; false when a removal already ended it (then its value is not kept).</summary>
    private bool ForgetLoad(TKey key, TaskCompletionSource<TValue> completion)
    {
        if (_loading.TryGetValue(key, out var registered) && ReferenceEquals(registered, completion))
        {
            _loading.Remove(key);
            return true;
        }

        return false;
    }

    private void PutLocked(TKey key, TValue value)
    {
        var weight = _weigh(value);
        if (_index.Remove(key, out var existing))
        {
            _lru.Remove(existing);
            _weight -= existing.Value.Weight;
        }

        if (weight > _budget)
        {
            return;
        }

        _index[key] = _lru.AddFirst(new Entry(key, value, weight));
        _weight += weight;
        while (_weight > _budget && _lru.Last is { } last)
        {
            _lru.RemoveLast();
            _index.Remove(last.Value.Key);
            _weight -= last.Value.Weight;
        }
    }

    private sealed record Entry(TKey Key, TValue Value, long Weight);
}
