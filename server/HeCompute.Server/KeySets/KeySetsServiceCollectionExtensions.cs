namespace HeCompute.Server.KeySets;

/// <summary>Registers key set handling.</summary>
public static class KeySetsServiceCollectionExtensions
{
    /// <summary>The key set service and the evaluation key source (the in-process cache).</summary>
    public static IServiceCollection AddHeComputeKeySets(this IServiceCollection services)
    {
        services.AddSingleton<EvaluationKeyCache>();
        services.AddSingleton<IEvaluationKeySource>(provider => provider.GetRequiredService<EvaluationKeyCache>());
        services.AddSingleton<KeySetService>();
        return services;
    }
}
