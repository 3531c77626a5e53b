using System.Text.Json;

namespace HeCompute.Contracts;

/// <summary>
/// Body of <c>POST /v1/models</c> (role <c>model-admin</c>): a model in HeCompute's JSON format
/// (<c>hecompute-model</c>, version 1).
/// </summary>
/// <param name="Name">Display name (1–100 characters).</param>
/// <param name="Document">The model document.</param>
/// <param name="Shared">Whether every tenant may list, plan and predict with it (its weights stay private to the owner).</param>
/// <param name="PrecisionBits">Bits of precision the outputs need (default 20); the planner sizes the primes for it.</param>
/// <param name="NoiseFlooding">
/// Plan for noise flooding (extra scale bits) and flood every prediction's result, so decryptions may be shared
/// without exposing the secret key; predictions then need a key set with a public key.
/// </param>
/// <param name="WidenIntervals">
/// When an activation's declared interval is narrower than the inputs the planner propagates from the declared input
/// bounds: widen it to contain them (listed in the plan's <c>widened_intervals</c>) instead of refusing the model
/// (422, <see cref="ProblemTypes.ActivationIntervalTooNarrow"/>).
/// </param>
/// <param name="KeyPreset">
/// The key/latency trade-off (<see cref="KeyPresets"/>: <c>smallest-keys</c>, <c>balanced</c>, <c>fastest</c>; null:
/// balanced). The plan's <c>key_choice</c> lists every alternative considered.
/// </param>
/// <param name="KeyBudgetBytes">
/// At most this many bytes of Galois keys (seeded form): the fastest layout within it is chosen (then the preset is not
/// used); none fits → 422 <see cref="ProblemTypes.ModelNotPlannable"/> naming the smallest.
/// </param>
public sealed record RegisterModelRequest(
    string Name,
    JsonElement Document,
    bool Shared = false,
    int? PrecisionBits = null,
    bool NoiseFlooding = false,
    bool WidenIntervals = false,
    string? KeyPreset = null,
    long? KeyBudgetBytes = null);

/// <summary>
/// The <c>options</c> part of <c>POST /v1/models/onnx</c> (multipart/form-data with the ONNX file in part <c>onnx</c>):
/// what an ONNX graph does not say and the encrypted circuit needs.
/// </summary>
/// <param name="Name">Display name.</param>
/// <param name="Features">Input feature names, in the graph input's order.</param>
/// <param name="Kind">Model kind to register as (null: inferred — one output of a Sigmoid graph is logistic, several outputs are logits).</param>
/// <param name="Mean">Standardisation the client applies before encrypting (null: none).</param>
/// <param name="Scale">Divisor after subtracting the mean (null: 1).</param>
/// <param name="Lower">Declared lower bounds of the raw features.</param>
/// <param name="Upper">Declared upper bounds of the raw features.</param>
/// <param name="ActivationLower">Interval on which Relu and Sigmoid are approximated: lower end (default −8).</param>
/// <param name="ActivationUpper">Upper end (default 8).</param>
/// <param name="ActivationDegree">Chebyshev degree of the approximations (default 31).</param>
/// <param name="Outputs">Output names (class names).</param>
/// <param name="Shared">As in <see cref="RegisterModelRequest"/>.</param>
/// <param name="PrecisionBits">As in <see cref="RegisterModelRequest"/>.</param>
/// <param name="NoiseFlooding">As in <see cref="RegisterModelRequest"/>.</param>
/// <param name="WidenIntervals">As in <see cref="RegisterModelRequest"/>.</param>
/// <param name="KeyPreset">As in <see cref="RegisterModelRequest"/>.</param>
/// <param name="KeyBudgetBytes">As in <see cref="RegisterModelRequest"/>.</param>
public sealed record OnnxImportRequest(
    string Name,
    IReadOnlyList<string> Features,
    string? Kind = null,
    IReadOnlyList<double>? Mean = null,
    IReadOnlyList<double>? Scale = null,
    IReadOnlyList<double>? Lower = null,
    IReadOnlyList<double>? Upper = null,
    double? ActivationLower = null,
    double? ActivationUpper = null,
    int? ActivationDegree = null,
    IReadOnlyList<string>? Outputs = null,
    bool Shared = false,
    int? PrecisionBits = null,
    bool NoiseFlooding = false,
    bool WidenIntervals = false,
    string? KeyPreset = null,
    long? KeyBudgetBytes = null);

/// <summary>Names of the multipart parts of <c>POST /v1/models/onnx</c>.</summary>
public static class OnnxImportParts
{
    /// <summary>The ONNX model file (a serialized <c>ModelProto</c>).</summary>
    public const string Onnx = "onnx";

    /// <summary>JSON <see cref="OnnxImportRequest"/>.</summary>
    public const string Options = "options";
}

/// <summary>A registered model.</summary>
/// <param name="Id">Model id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">Model kind.</param>
/// <param name="Source"><c>json</c> or <c>onnx</c>.</param>
/// <param name="Shared">Visible to every tenant.</param>
/// <param name="Owned">Whether the caller's tenant owns it (only the owner may read its document or delete it).</param>
/// <param name="Features">Number of input features.</param>
/// <param name="Outputs">Output names.</param>
/// <param name="Sha256">SHA-256 of the registered bytes.</param>
/// <param name="Plan">The plan clients follow.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record ModelResponse(
    string Id,
    string Name,
    string Kind,
    string Source,
    bool Shared,
    bool Owned,
    int Features,
    IReadOnlyList<string> Outputs,
    string Sha256,
    PlanDocument Plan,
    DateTimeOffset CreatedAt);

/// <summary>A list of models.</summary>
public sealed record ModelListResponse(IReadOnlyList<ModelResponse> Items);

/// <summary>
/// Query and headers of predictions. Synchronous: <c>POST /v1/models/{id}/predict?keyset_id=…&amp;records=…</c> with one
/// SEAL ciphertext as <c>application/octet-stream</c>; the answer is the result ciphertext (<c>application/octet-stream</c>)
/// with the headers below. Batch: <c>POST /v1/models/{id}/predict-jobs</c>, multipart/form-data with text parts
/// <c>keyset_id</c>, <c>records</c> (comma-separated counts, one per input; default: full ciphertexts) and one file part
/// <c>input</c> per ciphertext → 202 with a <see cref="JobResponse"/> (kind <c>predict-batch</c>) whose results are
/// named <c>output-0000</c>, <c>output-0001</c>, … in input order.
/// </summary>
public static class PredictProtocol
{
    /// <summary>Query parameter / form part: the key set whose evaluation keys the server uses.</summary>
    public const string KeySetId = "keyset_id";

    /// <summary>Query parameter / form part: how many records the ciphertext(s) hold.</summary>
    public const string Records = "records";

    /// <summary>Form part (repeated): one input ciphertext of a batch job.</summary>
    public const string Input = "input";

    /// <summary>Response header: records in the result.</summary>
    public const string RecordsHeader = "X-HeCompute-Records";

    /// <summary>Response header: hex SHA-256 of the result bytes.</summary>
    public const string ResultSha256Header = "X-HeCompute-Result-Sha256";

    /// <summary>Response header: server compute time in milliseconds.</summary>
    public const string ComputeMillisecondsHeader = "X-HeCompute-Compute-Ms";

    /// <summary>Job kind of batch predictions.</summary>
    public const string BatchJobKind = "predict-batch";

    /// <summary>Result name of batch output <paramref name="index"/>.</summary>
    public static string OutputName(int index) => $"output-{index:D4}";
}
