namespace HeCompute.Server.Storage;

/// <summary>
/// A registered model. Its blobs are <c>source</c> (the bytes as registered: JSON or ONNX) and <c>document</c> (the
/// model in HeCompute's JSON format, what the compiled circuit is rebuilt from after a restart).
/// </summary>
/// <param name="Id">Model id.</param>
/// <param name="TenantId">The owner (the tenant that registered it).</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">Model kind.</param>
/// <param name="Source"><c>json</c> or <c>onnx</c>.</param>
/// <param name="Shared">Whether every tenant may list, plan and predict with it.</param>
/// <param name="Features">Number of input features.</param>
/// <param name="Outputs">Output names.</param>
/// <param name="Sha256">Hex SHA-256 of the registered bytes.</param>
/// <param name="PlanJson">The plan document, serialized with the API's JSON conventions.</param>
/// <param name="NoiseFlooding">Whether every prediction's result is noise-flooded.</param>
/// <param name="FloodingStandardDeviation">σ of the flooding noise the plan provides for (0 when planned without flooding).</param>
/// <param name="Blobs">The source and document blobs.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record ModelRecord(
    string Id,
    string TenantId,
    string Name,
    string Kind,
    string Source,
    bool Shared,
    int Features,
    IReadOnlyList<string> Outputs,
    string Sha256,
    string PlanJson,
    bool NoiseFlooding,
    double FloodingStandardDeviation,
    IReadOnlyList<BlobReference> Blobs,
    DateTimeOffset CreatedAt)
{
    /// <summary>Name of the blob holding the registered bytes.</summary>
    public const string SourceBlob = "source";

    /// <summary>Name of the blob holding the model document (HeCompute JSON).</summary>
    public const string DocumentBlob = "document";

    /// <summary>The reference to one of the model's blobs.</summary>
    public BlobReference Blob(string name) => Blobs.First(b => b.Name == name);
}
