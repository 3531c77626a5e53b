using HeCompute.Server.Caching;

namespace HeCompute.Server.Tests;

public sealed class LoadingCacheTests
{
    [Fact]
    public void Least_recently_used_entries_go_first_once_the_budget_is_exceeded()
    {
        var cache = new LoadingCache<string, byte[]>(10, value => value.Length, StringComparer.Ordinal);
        cache.Put("a", new byte[4]);
        cache.Put("b", new byte[4]);
        Assert.True(cache.TryGet("a", out _)); // a is now the most recently used
        cache.Put("c", new byte[4]);

        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("c", out _));
        Assert.Equal(2, cache.Count);
        Assert.Equal(8, cache.Weight);

        // Heavier than the whole budget: not kept, and nothing else is pushed out for it.
        cache.Put("huge", new byte[11]);
        Assert.False(cache.TryGet("huge", out _));
        Assert.Equal(8, cache.Weight);

        // Replacing an entry re-weighs it.
        cache.Put("a", new byte[1]);
        Assert.Equal(5, cache.Weight);
        cache.RemoveWhere(key => key == "c");
        Assert.Equal(1, cache.Weight);
        cache.Clear();
        Assert.Equal((0, 0L), (cache.Count, cache.Weight));
    }

    [Fact]
    public async Task Concurrent_misses_of_one_key_share_one_load()
    {
        var cache = new LoadingCache<string, string>(100, _ => 1, StringComparer.Ordinal);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loads = 0;
        Task<string> Load(string key)
        {
            Interlocked.Increment(ref loads);
            return release.Task;
        }

        var waiters = Enumerable.Range(0, 8).Select(_ => cache.GetOrLoadAsync("k", Load, CancellationToken.None)).ToArray();
        Assert.All(waiters, waiter => Assert.False(waiter.IsCompleted));
        release.SetResult("value");

        Assert.All(await Task.WhenAll(waiters), value => Assert.Equal("value", value));
        Assert.Equal(1, loads);
        Assert.Equal("value", await cache.GetOrLoadAsync("k", Load, CancellationToken.None));
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task A_failed_load_is_not_cached_and_the_next_caller_loads_again()
    {
        var cache = new LoadingCache<string, string>(100, _ => 1, StringComparer.Ordinal);
        var loads = 0;
        Task<string> Fail(string key)
        {
            loads++;
            throw new InvalidDataException("corrupt blob");
        }

        var first = await Assert.ThrowsAsync<InvalidDataException>(() => cache.GetOrLoadAsync("k", Fail, CancellationToken.None));
        Assert.Equal("corrupt blob", first.Message);
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Count);

        Assert.Equal("fresh", await cache.GetOrLoadAsync("k", _ => { loads++; return Task.FromResult("fresh"); }, CancellationToken.None));
        Assert.Equal(2, loads);
        Assert.True(cache.TryGet("k", out var value));
        Assert.Equal("fresh", value);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_shared_load_running_for_the_others()
    {
        var cache = new LoadingCache<string, string>(100, _ => 1, StringComparer.Ordinal);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();
        var impatient = cache.GetOrLoadAsync("k", _ => release.Task, cancel.Token);
        var patient = cache.GetOrLoadAsync("k", _ => Task.FromResult("second load"), CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);

        release.SetResult("first load");
        Assert.Equal("first load", await patient);
        Assert.True(cache.TryGet("k", out var kept));
        Assert.Equal("first load", kept);
    }

    [Fact]
    public async Task An_entry_removed_while_it_loads_is_not_kept()
    {
        var cache = new LoadingCache<string, string>(100, _ => 1, StringComparer.Ordinal);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loading = cache.GetOrLoadAsync("deleted", _ => release.Task, CancellationToken.None);
        cache.Remove("deleted");
        release.SetResult("stale");

        // The caller that asked still gets its value; the cache does not keep it, and the next caller loads afresh.
        Assert.Equal("stale", await loading);
        Assert.False(cache.TryGet("deleted", out _));
        Assert.Equal("fresh", await cache.GetOrLoadAsync("deleted", _ => Task.FromResult("fresh"), CancellationToken.None));
    }
}
