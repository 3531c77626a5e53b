using HeCompute.Server.Storage;

namespace HeCompute.Server.Predictions;

/// <summary>
/// A batch prediction as the service takes it: the key set id, the optional record counts and the input ciphertexts,
/// each already streamed to a staged blob. Disposing deletes whatever was not committed.
/// </summary>
public sealed class PredictJobUpload : IDisposable
{
    /// <summary>The key set id.</summary>
    public string? KeySetId { get; set; }

    /// <summary>Records in each input, in order (null: each input is full).</summary>
    public IReadOnlyList<int>? Records { get; set; }

    /// <summary>The staged input ciphertexts, in order.</summary>
    public List<StagedBlob> Inputs { get; } = [];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var input in Inputs)
        {
            input.Dispose();
        }
    }
}
