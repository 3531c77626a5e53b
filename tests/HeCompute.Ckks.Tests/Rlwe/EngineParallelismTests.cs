using HeCompute.Lattice.Tests.Ckks;

namespace HeCompute.Lattice.Tests.Rlwe;

/// <summary>
/// <see cref="EngineParallelism.Enter"/> decides where the limb work of an operation runs: on the scheduler given, and
/// with a budget of one thread nowhere but the calling thread.
/// </summary>
public sealed class EngineParallelismTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void LimbWorkRunsOnTheSchedulerOfTheScope()
    {
        var scheduler = new CountingScheduler();
        var a = f.Encrypt(f.RandomComplex(1));
        var b = f.Encrypt(f.RandomComplex(2));
        using (EngineParallelism.Enter(2, scheduler))
        {
            Assert.Equal(2, EngineParallelism.MaxDegreeOfParallelism);
            // Three primes of 8192 coefficients: above the size where limbs are worth spreading.
            f.Evaluator.MultiplyInplace(a, b);
            f.Evaluator.RelinearizeInplace(a, f.RelinKeys);
            f.Evaluator.RotateVectorInplace(b, 1, f.GaloisKeys);
        }

        Assert.True(scheduler.Tasks > 0, "no limb work reached the scope's scheduler");
        var after = scheduler.Tasks;
        f.Evaluator.RotateVectorInplace(b, 1, f.GaloisKeys);
        Assert.Equal(after, scheduler.Tasks);
    }

    [Fact]
    public void ABudgetOfOneThreadRunsEverythingOnTheCaller()
    {
        var scheduler = new CountingScheduler();
        var a = f.Encrypt(f.RandomComplex(3));
        var b = f.Encrypt(f.RandomComplex(4));
        using (EngineParallelism.Enter(1, scheduler))
        {
            f.Evaluator.MultiplyInplace(a, b);
            f.Evaluator.RelinearizeInplace(a, f.RelinKeys);
            f.Evaluator.RotateVectorHoisted(b, [1, 2], f.GaloisKeys, []);
        }

        Assert.Equal(0, scheduler.Tasks);
    }

    [Fact]
    public async Task TheScopeFlowsToTasksItStartsAndEndsOnDispose()
    {
        var outside = EngineParallelism.MaxDegreeOfParallelism;
        var scheduler = new CountingScheduler();
        using (EngineParallelism.Enter(3, scheduler))
        {
            Assert.Equal(3, await Task.Run(() => EngineParallelism.MaxDegreeOfParallelism));
            using (EngineParallelism.Enter(1))
            {
                Assert.Equal(1, EngineParallelism.MaxDegreeOfParallelism);
            }

            Assert.Equal(3, EngineParallelism.MaxDegreeOfParallelism);
        }

        Assert.Equal(outside, EngineParallelism.MaxDegreeOfParallelism);
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineParallelism.Enter(0));
    }

    /// <summary>Runs tasks on the thread pool and counts every task the engine hands it.</summary>
    private sealed class CountingScheduler : TaskScheduler
    {
        private int _tasks;

        public int Tasks => Volatile.Read(ref _tasks);

        protected override IEnumerable<Task> GetScheduledTasks() => [];

        protected override void QueueTask(Task task)
        {
            Interlocked.Increment(ref _tasks);
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued)
        {
            Interlocked.Increment(ref _tasks);
            return TryExecuteTask(task);
        }
    }
}
