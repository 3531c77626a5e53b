using HeCompute.Server.Options;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// <c>HeCompute.Server --rewrap-keys</c>: wraps every data key of the keyring under the configured master key
/// (<c>HeCompute:AtRest:MasterKey</c> or <c>MasterKeyFile</c>), unwrapping with the previous ones listed in
/// <c>PreviousMasterKeys</c>/<c>PreviousMasterKeyFiles</c>. No blob is read or rewritten. Safe while the server
/// runs: data keys do not change, only how they are wrapped.
/// </summary>
public static class KeyRewrapCommand
{
    /// <summary>The command-line flag.</summary>
    public const string Flag = "--rewrap-keys";

    /// <summary>Whether the command line asks for the re-wrap instead of the server.</summary>
    public static bool IsRequested(IEnumerable<string> args) => args.Contains(Flag, StringComparer.Ordinal);

    /// <summary>Re-wraps the keyring the configuration names; returns the process exit code.</summary>
    public static int Run(IConfiguration configuration, IHostEnvironment environment, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var options = configuration.GetSection(HeComputeServerOptions.SectionName).Get<HeComputeServerOptions>() ?? new HeComputeServerOptions();
        try
        {
            var keyring = new AtRestKeyring(Microsoft.Extensions.Options.Options.Create(options), new StoragePaths(Microsoft.Extensions.Options.Options.Create(options), environment));
            var changed = keyring.Rewrap();
            output.WriteLine($"Keyring {keyring.KeyringPath}: {changed} data key(s) re-wrapped under master key {keyring.Master.Id}; every data key is now wrapped by it. " +
                             "The previous master keys are no longer needed: remove them from HeCompute:AtRest:PreviousMasterKeys/PreviousMasterKeyFiles.");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
