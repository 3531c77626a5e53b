using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>Registers encryption at rest as a decorator of whichever <see cref="IBlobStore"/> is registered.</summary>
public static class AtRestServiceCollectionExtensions
{
    /// <summary>
    /// Wraps the registered <see cref="IBlobStore"/> (call it after the backend's registration) in the encrypting
    /// layer, and loads the keyring on start so that a wrong master key stops the server with its reason.
    /// </summary>
    public static IServiceCollection AddBlobEncryptionAtRest(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var backend = services.LastOrDefault(d => d.ServiceType == typeof(IBlobStore))
            ?? throw new InvalidOperationException("Register an IBlobStore before adding encryption at rest.");
        services.RemoveAll<IBlobStore>();
        services.TryAddSingleton<AtRestKeyring>();
        services.AddSingleton<IBlobStore>(provider => new EncryptedBlobStore(Create(provider, backend), provider.GetRequiredService<AtRestKeyring>()));
        services.AddHostedService<AtRestKeyringCheck>();
        return services;
    }

    private static IBlobStore Create(IServiceProvider provider, ServiceDescriptor backend) =>
        (IBlobStore)(backend.ImplementationInstance
            ?? backend.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, backend.ImplementationType!));

    // Resolving the keyring at start turns a wrong or missing master key into a failed start, not a failed request.
    private sealed class AtRestKeyringCheck(IServiceProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            provider.GetRequiredService<AtRestKeyring>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
