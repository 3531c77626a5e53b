using HeCompute.Server.Options;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// <c>HeCompute.Server --rewrap-keys</c>: wraps every data key of the keyring (in the metadata store the
/// configuration names) under the configured master key (<c>HeCompute:AtRest:MasterKey</c> or
/// <c>MasterKeyFile</c>), unwrapping with the previous ones listed in <c>PreviousMasterKeys</c>/
/// <c>PreviousMasterKeyFiles</c>. No blob is read or rewritten. Safe while nodes serve: data keys do not change,
/// only how they are wrapped.
/// </summary>
public static class KeyRewrapCommand
{
    /// <summary>The command-line flag.</summary>
    public const string Flag = "--rewrap-keys";

    /// <summary>Whether the command line asks for the re-wrap instead of the server.</summary>
    public static bool IsRequested(IEnumerable<string> args) => args.Contains(Flag, StringComparer.Ordinal);

    /// <summary>Re-wraps the keyring of the storage the configuration names; returns the process exit code.</summary>
    public static int Run(IConfiguration configuration, IHostEnvironment environment, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(environment);
        services.AddLogging();
        services.AddHeComputeOptions();
        services.AddHeComputeStorage();
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<HeComputeServerOptions>>().Value;
            provider.GetRequiredService<IMetadataStore>().InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
            var keyring = provider.GetRequiredService<AtRestKeyring>();
            var changed = keyring.RewrapAsync(CancellationToken.None).GetAwaiter().GetResult();
            output.WriteLine($"Keyring in the metadata store: {changed} data key(s) re-wrapped under master key {keyring.Master.Id}; every data key is now wrapped by it. " +
                             "The previous master keys are no longer needed: remove them from HeCompute:AtRest:PreviousMasterKeys/PreviousMasterKeyFiles on every node.");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or OptionsValidationException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
