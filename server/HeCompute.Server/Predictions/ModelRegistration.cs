using HeCompute.Analytics.Models;
using HeCompute.Protocol.Models;

namespace HeCompute.Server.Predictions;

/// <summary>A model to register, already read from JSON or imported from ONNX.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Document">The model document.</param>
/// <param name="Source"><c>json</c> or <c>onnx</c>.</param>
/// <param name="SourceBytes">The bytes as registered (hashed and kept).</param>
/// <param name="Shared">Whether every tenant may use it.</param>
/// <param name="PrecisionBits">Precision the outputs need.</param>
/// <param name="NoiseFlooding">Whether results are noise-flooded.</param>
/// <param name="WidenIntervals">Whether the planner widens activation intervals narrower than their propagated inputs (else it refuses the model).</param>
/// <param name="KeyPreset">The key/latency trade-off (<see cref="Contracts.KeyPresets"/>).</param>
/// <param name="KeyBudgetBytes">At most this many bytes of Galois keys (null: none; then the preset decides).</param>
public sealed record ModelRegistration(
    string Name,
    ModelDocument Document,
    string Source,
    ReadOnlyMemory<byte> SourceBytes,
    bool Shared,
    int PrecisionBits,
    bool NoiseFlooding,
    bool WidenIntervals,
    string KeyPreset = Contracts.KeyPresets.Balanced,
    long? KeyBudgetBytes = null);
