using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeCompute.Contracts;

/// <summary>The JSON conventions of the HeCompute API: snake_case names, enums as snake_case strings, nulls omitted.</summary>
public static class HeComputeJson
{
    /// <summary>Applies the API's conventions to <paramref name="options"/> (the server's and the client's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }

    /// <summary>Ready-made options with the API's conventions.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
