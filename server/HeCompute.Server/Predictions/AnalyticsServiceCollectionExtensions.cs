using HeCompute.Server.Jobs;

namespace HeCompute.Server.Predictions;

/// <summary>Registers models and predictions.</summary>
public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>The model service and cache, the prediction service and the <c>predict-batch</c> job handler.</summary>
    public static IServiceCollection AddHeComputeAnalytics(this IServiceCollection services)
    {
        services.AddSingleton<CompiledModelCache>();
        services.AddSingleton<ModelService>();
        services.AddSingleton<PredictionService>();
        services.AddJobHandler<PredictBatchJobHandler>();
        return services;
    }
}
