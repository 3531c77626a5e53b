using System.CommandLine;
using HeCompute.Client.Keys;

namespace HeCompute.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = "Server base address (default: $HECOMPUTE_URL, else http://localhost:5000)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("HECOMPUTE_URL") ?? "http://localhost:5000",
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

    public static void AddTo(RootCommand root)
    {
        root.Add(AllowBurnedInAnnotation);
        root.Add(Server);
        root.Add(ApiKey);
        root.Add(KeyStore);
        root.Add(Json);
    }
}
