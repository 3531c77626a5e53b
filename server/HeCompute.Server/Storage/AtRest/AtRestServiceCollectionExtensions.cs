using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>Registers encryption at rest as a decorator of whichever <see cref="IBlobStore"/> is registered.</summary>
public static class AtRestServiceCollectionExtensions
{
    /// <summary>
    /// Wraps the registered <see cref="IBlobStore"/> (call it after the backend's registration) in the encrypting
    /// layer. The storage initializer loads the keyring right after the schema, so a wrong master key stops the
    /// server with its reason.
    /// </summary>
    public static IServiceCollection AddBlobEncryptionAtRest(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var backend = services.LastOrDefault(d => d.ServiceType == typeof(IBlobStore))
            ?? throw new InvalidOperationException("Register an IBlobStore before adding encryption at rest.");
        services.RemoveAll<IBlobStore>();
        services.TryAddSingleton<AtRestKeyring>();
        services.AddSingleton<IBlobStore>(provider => new EncryptedBlobStore(Create(provider, backend), provider.GetRequiredService<AtRestKeyring>()));
        return services;
    }

    private static IBlobStore Create(IServiceProvider provider, ServiceDescriptor backend) =>
        (IBlobStore)(backend.ImplementationInstance
            ?? backend.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, backend.ImplementationType!));
}
