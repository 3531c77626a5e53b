using System.CommandLine;
using HeCompute.Client.Keys;

namespace HeCompute.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = "Server base address (default: $HECOMPUTE_URL, else https://localhost:5001)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HECOMPUTE_URL") ?? "https://localhost:5001",
    };

    /// <summary>The pin file beside the key store: one fingerprint, as the server writes it to its <c>tls/server.sha256</c>.</summary>
    public static string PinFile => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hecompute", "pin");

    public static readonly Option<string?> Pin = new("--pin")
    {
        Description = "Trust exactly the server certificate with this fingerprint, sha256:<hex> (default: $HECOMPUTE_PIN, else the file ~/.hecompute/pin, else the system's trust store)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HECOMPUTE_PIN") is { Length: > 0 } pin ? pin
            : File.Exists(PinFile) ? File.ReadAllText(PinFile).Trim() : null,
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "API key (default: $HECOMPUTE_API_KEY)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HECOMPUTE_API_KEY"),
    };

    public static readonly Option<string> KeyStore = new("--key-store")
    {
        Description = "Key store directory (default: ~/.hecompute/keys)",
        Recursive = true,
        DefaultValueFactory = _ => Client.Keys.KeyStore.DefaultDirectory,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one JSON document on stdout and nothing else",
        Recursive = true,
    };

    public static readonly Option<bool> AllowBurnedInAnnotation = new("--allow-burned-in-annotation")
    {
        Description = "De-identify images marked (or, like ultrasound and secondary capture, likely) to carry burned-in " +
            "annotation instead of refusing them. Text in the pixels is NOT removed: check the images yourself",
        Recursive = true,
    };

    public static readonly Option<string?> CleanPixels = new("--clean-pixels")
    {
        Description = "Clean Pixel Data: 'default' blanks the modality's default rectangles where one is known (ultrasound: the " +
            "header band; a heuristic, check the output); cleaned images get BurnedInAnnotation NO and are written uncompressed",
        Recursive = true,
    };

    public static readonly Option<string[]> CleanRect = new("--clean-rect")
    {
        Description = "Clean Pixel Data: blank this rectangle x,y,width,height (pixels from the top-left) in every frame of every image; repeatable",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public static void AddTo(RootCommand root)
    {
        root.Add(AllowBurnedInAnnotation);
        root.Add(CleanPixels);
        root.Add(CleanRect);
        root.Add(Server);
        root.Add(Pin);
        root.Add(ApiKey);
        root.Add(KeyStore);
        root.Add(Json);
    }
}
