using HeCompute.Server.Datasets;
using HeCompute.Server.Jobs;

namespace HeCompute.Server.Predictions;

/// <summary>Registers models, predictions and statistics.</summary>
public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>The model service and cache, the predictor and the job handlers of kinds <c>predict-batch</c> and <c>statistics</c>.</summary>
    public static IServiceCollection AddHeComputeAnalytics(this IServiceCollection services)
    {
        services.AddSingleton<CompiledModelCache>();
        services.AddSingleton<ModelService>();
        services.AddSingleton<Predictor>();
        services.AddJobHandler<PredictBatchJobHandler>();
        services.AddJobHandler<StatisticsJobHandler>();
        return services;
    }
}
