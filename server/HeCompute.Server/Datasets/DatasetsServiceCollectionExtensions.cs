using HeCompute.Server.Jobs;
using HeCompute.Server.Plans;

namespace HeCompute.Server.Datasets;

/// <summary>Registers datasets.</summary>
public static class DatasetsServiceCollectionExtensions
{
    /// <summary>The dataset service, the parameter contexts it checks batches with, and the <c>statistics</c> job handler.</summary>
    public static IServiceCollection AddHeComputeDatasets(this IServiceCollection services)
    {
        services.AddSingleton<ParameterContexts>();
        services.AddSingleton<DatasetService>();
        services.AddJobHandler<StatisticsJobHandler>();
        return services;
    }
}
