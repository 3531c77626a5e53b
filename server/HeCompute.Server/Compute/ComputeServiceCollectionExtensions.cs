namespace HeCompute.Server.Compute;

/// <summary>Registers the compute scheduler.</summary>
public static class ComputeServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="ComputeScheduler"/> as <see cref="IComputeScheduler"/> and as a hosted service. Register it before
    /// the job runner: hosted services stop in reverse order, so running jobs see their own stop first.
    /// </summary>
    public static IServiceCollection AddHeComputeCompute(this IServiceCollection services)
    {
        services.AddSingleton<ComputeScheduler>();
        services.AddSingleton<IComputeScheduler>(sp => sp.GetRequiredService<ComputeScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<ComputeScheduler>());
        return services;
    }
}
