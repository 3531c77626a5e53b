using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.Server.Jobs;

/// <summary>A handler's small JSON output (large results go to result blobs).</summary>
/// <param name="Json">The serialized output, or null.</param>
public sealed record JobOutput(string? Json)
{
    /// <summary>No output.</summary>
    public static JobOutput None { get; } = new((string?)null);

    /// <summary>Output serialized with the API's JSON conventions.</summary>
    public static JobOutput Of<T>(T value) => new(JsonSerializer.Serialize(value, HeComputeJson.Options));
}
