using System.CommandLine;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Dicom.Deidentification;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace HeCompute.Cli;

/// <summary>What a command needs from the global options: the output, the server client, the key store, secrets.</summary>
internal sealed class CliContext : IDisposable
{
    private readonly ParseResult _parse;
    private ServiceProvider? _services;

    public CliContext(ParseResult parse)
    {
        _parse = parse;
        Output = new CliOutput(parse.GetValue(GlobalOptions.Json));
    }

    public CliOutput Output { get; }

    public KeyStore KeyStore => new(_parse.GetValue(GlobalOptions.KeyStore)!);

    /// <summary>A client for the global --server and --api-key, or for another key on the same server.</summary>
    public HeComputeClient Client(string? apiKey = null)
    {
        var address = _parse.GetValue(GlobalOptions.Server)!;
        if (!Uri.TryCreate(address.EndsWith('/') ? address : address + "/", UriKind.Absolute, out var baseAddress))
        {
            throw new CliException($"--server '{address}' is not an absolute URL.");
        }

        var key = apiKey ?? _parse.GetValue(GlobalOptions.ApiKey);
        if (string.IsNullOrEmpty(key))
        {
            throw new CliException("No API key: pass --api-key or set HECOMPUTE_API_KEY.");
        }

        var pin = _parse.GetValue(GlobalOptions.Pin) is { Length: > 0 } text ? CertificatePin.Parse(text).ToString() : null;

        // One provider per distinct key would be tidier, but a CLI run talks as at most two identities.
        var services = new ServiceCollection();
        services.AddHeComputeClient(o =>
        {
            o.BaseAddress = baseAddress;
            o.ApiKey = key;
            o.CertificatePin = pin;
        });
        var provider = services.BuildServiceProvider();
        if (apiKey is null)
        {
            _services?.Dispose();
            _services = provider;
        }

        return provider.GetRequiredService<HeComputeClient>();
    }

    /// <summary>The key store passphrase: $HECOMPUTE_PASSPHRASE, else a prompt on an interactive terminal.</summary>
    public string Passphrase(bool confirm = false)
    {
        if (Environment.GetEnvironmentVariable("HECOMPUTE_PASSPHRASE") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (Console.IsInputRedirected)
        {
            throw new CliException("No passphrase: set HECOMPUTE_PASSPHRASE (stdin is not a terminal, so it cannot be asked for).");
        }

        var console = CliOutput.Error;
        var passphrase = console.Prompt(new TextPrompt<string>("Key store passphrase:").Secret());
        if (confirm && console.Prompt(new TextPrompt<string>("Repeat the passphrase:").Secret()) != passphrase)
        {
            throw new CliException("The passphrases differ.");
        }

        return passphrase;
    }

    /// <summary>
    /// The de-identification secret ($HECOMPUTE_DEID_SECRET, at least 16 bytes), which keeps replaced UIDs and date
    /// shifts consistent across runs; without it a random one is used for this run only.
    /// </summary>
    public DeidentificationOptions Deidentification()
    {
        var secret = Environment.GetEnvironmentVariable("HECOMPUTE_DEID_SECRET") is { Length: > 0 } value
            ? System.Text.Encoding.UTF8.GetBytes(value)
            : System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        if (secret.Length < DeidentificationOptions.MinimumSecretLength)
        {
            throw new CliException($"HECOMPUTE_DEID_SECRET must have at least {DeidentificationOptions.MinimumSecretLength} bytes.");
        }

        bool allowBurnedIn = _parse.GetValue(GlobalOptions.AllowBurnedInAnnotation);
        if (allowBurnedIn)
        {
            CliOutput.Warning("--allow-burned-in-annotation: images with burned-in annotation are accepted, but text in their pixels " +
                "(names, IDs, dates on ultrasound and secondary-capture images) is NOT removed; check them before they leave this machine.");
        }

        return new DeidentificationOptions(secret) { AllowBurnedInAnnotation = allowBurnedIn, CleanPixelData = CleanPixelData() };
    }

    /// <summary>The Clean Pixel Data Option of --clean-pixels and --clean-rect, or null when neither is given.</summary>
    private CleanPixelDataOptions? CleanPixelData()
    {
        string? mode = _parse.GetValue(GlobalOptions.CleanPixels);
        string[] rectangles = _parse.GetValue(GlobalOptions.CleanRect) ?? [];
        if (mode is not (null or "default"))
        {
            throw new CliException($"--clean-pixels '{mode}': the only value is 'default' (give other rectangles with --clean-rect x,y,width,height).");
        }

        if (mode is null && rectangles.Length == 0)
        {
            return null;
        }

        var parsed = new List<CleanRectangle>();
        foreach (string text in rectangles)
        {
            try
            {
                parsed.Add(CleanRectangle.Parse(text));
            }
            catch (FormatException e)
            {
                throw new CliException("--clean-rect " + e.Message);
            }
        }

        return new CleanPixelDataOptions { Rectangles = parsed, ModalityDefaults = mode is not null };
    }

    public void Dispose() => _services?.Dispose();
}
