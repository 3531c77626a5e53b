namespace HeCompute.Server.KeySets;

/// <summary>Registers key set handling.</summary>
public static class KeySetsServiceCollectionExtensions
{
    /// <summary>The key set service, the evaluation key source (the in-process cache) and the memory it shares with encoded plaintexts.</summary>
    public static IServiceCollection AddHeComputeKeySets(this IServiceCollection services)
    {
        services.AddSingleton<Caching.EvaluationMemory>();
        services.AddSingleton<EvaluationKeyCache>();
        services.AddSingleton<IEvaluationKeySource>(provider => provider.GetRequiredService<EvaluationKeyCache>());
        services.AddSingleton<KeySetService>();
        return services;
    }
}
