using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using HeCompute.Server.Storage.Postgres;
using HeCompute.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Studies;

/// <summary>Registers studies.</summary>
public static class StudiesServiceCollectionExtensions
{
    /// <summary>The study service and the study store of the configured backend.</summary>
    public static IServiceCollection AddHeComputeStudies(this IServiceCollection services)
    {
        services.AddSingleton<SqliteStudyStore>();
        services.AddSingleton<PostgresStudyStore>();
        services.AddSingleton<IStudyStore>(p =>
            p.GetRequiredService<IOptions<HeComputeServerOptions>>().Value.Storage.Provider == StorageOptions.PostgresProvider
                ? p.GetRequiredService<PostgresStudyStore>()
                : p.GetRequiredService<SqliteStudyStore>());
        services.AddSingleton<StudyService>();
        return services;
    }
}
