using Microsoft.Extensions.Options;

namespace HeCompute.Server.Options;

/// <summary>Registers <see cref="HeComputeServerOptions"/>.</summary>
public static class OptionsServiceCollectionExtensions
{
    /// <summary>Binds <see cref="HeComputeServerOptions"/> from the <c>HeCompute</c> section, validated on start.</summary>
    public static IServiceCollection AddHeComputeOptions(this IServiceCollection services)
    {
        services.AddOptions<HeComputeServerOptions>().BindConfiguration(HeComputeServerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HeComputeServerOptions>, HeComputeServerOptionsValidator>();
        return services;
    }
}
