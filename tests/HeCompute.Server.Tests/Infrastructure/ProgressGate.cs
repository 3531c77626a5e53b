using System.Reflection;
using System.Runtime.ExceptionServices;
using HeCompute.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// Holds every job of a kind once it reports a chosen progress, until the host stops (then the progress call throws
/// <see cref="OperationCanceledException"/>, as a job cancelled by a shutdown does): a restart test then stops the
/// server in the middle of a job every time, however fast the machine runs the job. Installed by wrapping the
/// metadata store's job store; the progress itself is stored before the job is held.
/// </summary>
public sealed class ProgressGate(IReadOnlyDictionary<string, double> holdAtProgress)
{
    /// <summary>Replaces the registered <see cref="IMetadataStore"/> with one whose jobs pass through this gate.</summary>
    public void Install(IServiceCollection services)
    {
        var registered = services.Single(d => d.ServiceType == typeof(IMetadataStore));
        services.Remove(registered);
        services.AddSingleton(provider =>
        {
            // The storage registration picks the backend in a factory (by configuration).
            var inner = (IMetadataStore)(registered.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!));
            var stopping = provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var jobs = DispatchProxy.Create<IJobStore, GatedJobStore>();
            ((GatedJobStore)(object)jobs).Attach(inner.Jobs, this, stopping);
            var metadata = DispatchProxy.Create<IMetadataStore, GatedMetadataStore>();
            ((GatedMetadataStore)(object)metadata).Attach(inner, jobs);
            return metadata;
        });
    }

    internal async Task AfterProgressAsync(Task update, IJobStore jobs, string jobId, double progress, CancellationToken stopping)
    {
        await update.ConfigureAwait(false);
        var job = await jobs.GetByIdAsync(jobId, CancellationToken.None).ConfigureAwait(false);
        if (job is not null && holdAtProgress.TryGetValue(job.Kind, out var threshold) && progress >= threshold)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // ApplicationStopping fires before the job runner's own stopping token is cancelled; the runner only
                // treats a cancellation as a shutdown once that token is, so give the host time to get there.
                await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    internal static object? Forward(MethodInfo method, object target, object?[]? args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}

/// <summary>Forwards every call to the real job store; progress updates go through the gate.</summary>
public class GatedJobStore : DispatchProxy
{
    private IJobStore? _inner;
    private ProgressGate? _gate;
    private CancellationToken _stopping;

    internal void Attach(IJobStore inner, ProgressGate gate, CancellationToken stopping) => (_inner, _gate, _stopping) = (inner, gate, stopping);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var result = ProgressGate.Forward(targetMethod!, _inner!, args);
        return targetMethod!.Name == nameof(IJobStore.UpdateProgressAsync)
            ? _gate!.AfterProgressAsync((Task)result!, _inner!, (string)args![0]!, (double)args[1]!, _stopping)
            : result;
    }
}

/// <summary>Forwards every call to the real metadata store, except that its job store is the gated one.</summary>
public class GatedMetadataStore : DispatchProxy
{
    private IMetadataStore? _inner;
    private IJobStore? _jobs;

    internal void Attach(IMetadataStore inner, IJobStore jobs) => (_inner, _jobs) = (inner, jobs);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod!.Name == "get_" + nameof(IMetadataStore.Jobs) ? _jobs : ProgressGate.Forward(targetMethod, _inner!, args);
}
