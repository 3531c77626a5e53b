namespace HeCompute.Server.Jobs;

/// <summary>Registers the job runner and handlers.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>The queue, the job service, the runner, cancellation and expiry purge.</summary>
    public static IServiceCollection AddHeComputeJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobHandlerRegistry>();
        services.AddSingleton<JobCancellations>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobService>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.AddSingleton<JobPurgeService>();
        services.AddHostedService(sp => sp.GetRequiredService<JobPurgeService>());
        return services;
    }

    /// <summary>Registers a handler for its <see cref="IJobHandler.Kind"/> (scoped: one instance per run).</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services)
        where THandler : class, IJobHandler
    {
        services.AddScoped<THandler>();
        services.AddSingleton(new JobHandlerRegistration(THandler.Kind, typeof(THandler), THandler.Resumable));
        return services;
    }
}
