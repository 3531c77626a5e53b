using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.Server.Storage;

/// <summary>A dataset's definition and layout as the stores keep them: one JSON document (the same in every backend).</summary>
internal sealed record DatasetDefinition(
    IReadOnlyList<string> Features,
    IReadOnlyList<double> Lower,
    IReadOnlyList<double> Upper,
    IReadOnlyList<string> Categories,
    bool EncryptedFinish,
    int MaxRecords,
    IReadOnlyList<string> Columns,
    IReadOnlyList<double> Scales,
    int CountColumn,
    int PrecisionBits,
    bool NoiseFlooding)
{
    /// <summary>The stored JSON of a dataset's definition.</summary>
    public static string Serialize(DatasetRecord dataset) => JsonSerializer.Serialize(
        new DatasetDefinition(
            dataset.Features, dataset.Lower, dataset.Upper, dataset.Categories, dataset.EncryptedFinish, dataset.MaxRecords,
            dataset.Columns, dataset.Scales, dataset.CountColumn, dataset.PrecisionBits, dataset.NoiseFlooding),
        HeComputeJson.Options);

    /// <summary>Rebuilds a dataset from its row's columns and stored definition.</summary>
    public static DatasetRecord ToRecord(
        string json, string id, string tenantId, string name, string planJson, string? keySetId, int batches, long records, DateTimeOffset createdAt)
    {
        var d = JsonSerializer.Deserialize<DatasetDefinition>(json, HeComputeJson.Options)
            ?? throw new InvalidDataException("A dataset row has no definition.");
        return new DatasetRecord(
            id, tenantId, name, d.Features, d.Lower, d.Upper, d.Categories, d.EncryptedFinish, d.MaxRecords, d.PrecisionBits, d.NoiseFlooding,
            d.Columns, d.Scales, d.CountColumn, planJson, keySetId, batches, records, createdAt);
    }
}
