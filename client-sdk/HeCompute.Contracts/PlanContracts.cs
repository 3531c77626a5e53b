namespace HeCompute.Contracts;

/// <summary>
/// The plan of an encrypted computation (a model's inference or a dataset's statistics), decided by the server's
/// planner from the circuit and read by the client: the encryption parameters to use, the only keys to generate, how
/// to pack the inputs, where the outputs are, the expected precision and every size in bytes. Serialized with
/// <see cref="HeComputeJson.Options"/>; the format is versioned (<see cref="Format"/>, <see cref="Version"/>).
/// </summary>
/// <remarks>
/// <para><b>Input slots.</b> Record r (0 ≤ r &lt; <see cref="PlanInput.RecordsPerCiphertext"/>) occupies the slots
/// r·<see cref="PlanInput.RecordStride"/> … ; feature t of the record is written, standardised as
/// (x − mean[t]) / scale[t], at offset <see cref="PlanInput.FeatureOffsets"/>[t] + k·<see cref="PlanInput.ReplicationPeriod"/>
/// for k = 0 … <see cref="PlanInput.Copies"/> − 1 of the record's slots. Every other slot is zero.</para>
/// <para><b>Output slots.</b> Output c of record r is slot r·<see cref="PlanInput.RecordStride"/> +
/// <see cref="PlanOutput.Offsets"/>[c] of the decrypted result; the server masks every other slot to zero.</para>
/// </remarks>
public sealed record PlanDocument
{
    /// <summary>The format tag every plan carries.</summary>
    public const string FormatName = "hecompute-plan";

    /// <summary>The version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>The plan format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>What is planned: <c>model</c> or <c>statistics</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>Model kind (for <c>model</c> plans), e.g. <c>logistic-regression</c>, <c>mlp</c>, <c>cnn</c>.</summary>
    public string? ModelKind { get; init; }

    /// <summary>The encryption parameters.</summary>
    public required PlanParameters Parameters { get; init; }

    /// <summary>The keys the client generates and uploads.</summary>
    public required PlanKeys Keys { get; init; }

    /// <summary>How to pack the inputs.</summary>
    public required PlanInput Input { get; init; }

    /// <summary>Where the outputs are.</summary>
    public required PlanOutput Output { get; init; }

    /// <summary>Depth and expected precision.</summary>
    public required PlanPrecision Precision { get; init; }

    /// <summary>Sizes in bytes.</summary>
    public required PlanSizes Sizes { get; init; }

    /// <summary>
    /// Activation intervals the planner widened to contain the inputs it propagates from the declared input bounds
    /// (only when registered with <c>widen_intervals</c>; null when none was widened).
    /// </summary>
    public IReadOnlyList<PlanWidening>? WidenedIntervals { get; init; }

    /// <summary>
    /// How the planner traded Galois keys for latency (model plans with rotations): the rotation layout chosen and every
    /// alternative it considered. Null for statistics plans and circuits with a single layout.
    /// </summary>
    public PlanKeyChoice? KeyChoice { get; init; }
}

/// <summary>
/// Presets of the key/latency trade-off a model is registered with (<c>key_preset</c>). Each chooses among the layouts
/// whose Galois keys weigh less than SEAL's default set whenever one does.
/// </summary>
public static class KeyPresets
{
    /// <summary>The fewest Galois-key bytes whatever the latency.</summary>
    public const string SmallestKeys = "smallest-keys";

    /// <summary>The fewest Galois-key bytes at most 1.5× the fastest layout's estimated latency (the default).</summary>
    public const string Balanced = "balanced";

    /// <summary>The lowest estimated latency.</summary>
    public const string Fastest = "fastest";

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<string> All { get; } = [SmallestKeys, Balanced, Fastest];
}

/// <summary>The key/latency trade-off of a model plan.</summary>
/// <param name="Preset">The preset planned for (<see cref="KeyPresets"/>); with <paramref name="KeyBudgetBytes"/>, the budget decides instead.</param>
/// <param name="KeyBudgetBytes">The Galois-key budget asked for (null: none): the fastest alternative within it is chosen.</param>
/// <param name="Chosen">The chosen alternative (one of <paramref name="Alternatives"/>).</param>
/// <param name="Alternatives">Every rotation layout considered, fastest estimate first.</param>
public sealed record PlanKeyChoice(string Preset, long? KeyBudgetBytes, PlanAlternative Chosen, IReadOnlyList<PlanAlternative> Alternatives);

/// <summary>One rotation layout the planner considered.</summary>
/// <param name="Rotations">
/// Its name: <c>hoisted</c> (every baby step hoisted from the input) or <c>group-h</c> (baby steps in groups of h, each
/// group reached from the previous one by a rotation by h), with <c>+shared-giant</c> when the giant steps are combined
/// with the single key g.
/// </param>
/// <param name="BabyGroup">h (0 for <c>hoisted</c>).</param>
/// <param name="SharedGiantKey">Whether giant steps share one key.</param>
/// <param name="PolyModulusDegree">N the layout plans at (a longer chain of key switches can need more scale bits).</param>
/// <param name="GaloisSteps">The rotation steps (Galois keys) it needs.</param>
/// <param name="GaloisKeysBytes">Those keys in seeded form, bytes.</param>
/// <param name="KeySwitches">Key switches per evaluated ciphertext (hoisted rotations included).</param>
/// <param name="EstimatedLatencyMs">
/// Estimated server time of the rotations and plaintext products of one ciphertext (what the layouts differ in), from
/// operation counts and the engine's per-operation costs measured on a 2-core machine; relative values are what to
/// compare.
/// </param>
public sealed record PlanAlternative(
    string Rotations,
    int BabyGroup,
    bool SharedGiantKey,
    int PolyModulusDegree,
    IReadOnlyList<int> GaloisSteps,
    long GaloisKeysBytes,
    int KeySwitches,
    double EstimatedLatencyMs);

/// <summary>One activation interval the planner widened: its polynomial is fitted on [lower, upper] instead of the declared interval.</summary>
/// <param name="Layer">Index of the activation layer in the model document.</param>
/// <param name="Function">The activation (<c>sigmoid</c>, <c>smooth-relu</c> or <c>square</c>).</param>
/// <param name="DeclaredLower">The declared lower end (null for a square declared without an interval).</param>
/// <param name="DeclaredUpper">The declared upper end.</param>
/// <param name="Lower">The lower end planned: the smaller of the declared end and the lowest propagated input.</param>
/// <param name="Upper">The upper end planned: the larger of the declared end and the highest propagated input.</param>
public sealed record PlanWidening(int Layer, string Function, double? DeclaredLower, double? DeclaredUpper, double Lower, double Upper);

/// <summary>CKKS parameters chosen by the planner.</summary>
/// <param name="PolyModulusDegree">N.</param>
/// <param name="CoeffModulusBits">Bit sizes of the primes, special (key-switching) prime last.</param>
/// <param name="CoeffModulus">The primes themselves, as SEAL's <c>CoeffModulus.Create</c> picks them for these bit sizes.</param>
/// <param name="Scale">Δ: the scale to encode inputs at.</param>
/// <param name="SecurityLevel">The security level the parameters satisfy (128).</param>
/// <param name="ParmsId">Hex parms_id of the parameters (the key level), as SEAL computes it.</param>
/// <param name="SealParameters">The <c>EncryptionParameters</c> in SEAL's serialization format, base64 (load with <c>EncryptionParameters.Load</c>).</param>
public sealed record PlanParameters(
    int PolyModulusDegree,
    IReadOnlyList<int> CoeffModulusBits,
    IReadOnlyList<ulong> CoeffModulus,
    double Scale,
    int SecurityLevel,
    string ParmsId,
    string SealParameters);

/// <summary>The evaluation keys the circuit uses, and nothing more.</summary>
/// <param name="RelinearizationKeys">Whether the circuit multiplies ciphertexts (relinearization keys needed).</param>
/// <param name="GaloisSteps">Rotation steps, canonical in (−slots/2, slots/2], sorted; empty when the circuit does not rotate.</param>
/// <param name="GaloisElements">The Galois elements of those steps (SEAL's <c>GaloisKeys</c> index).</param>
public sealed record PlanKeys(bool RelinearizationKeys, IReadOnlyList<int> GaloisSteps, IReadOnlyList<uint> GaloisElements);

/// <summary>Input packing (see <see cref="PlanDocument"/> remarks).</summary>
/// <param name="Features">Feature names in order.</param>
/// <param name="Mean">Subtracted from feature t before encrypting (null: 0).</param>
/// <param name="ScaleBy">Feature t is divided by this after subtracting the mean (null: 1).</param>
/// <param name="Lower">Declared lower bounds of the raw features (null if none).</param>
/// <param name="Upper">Declared upper bounds of the raw features (null if none).</param>
/// <param name="RecordsPerCiphertext">Records one ciphertext holds.</param>
/// <param name="RecordStride">Slots between consecutive records.</param>
/// <param name="FeatureOffsets">Offset of feature t within its record's slots.</param>
/// <param name="ReplicationPeriod">Distance between copies of a feature within a record (0 when <paramref name="Copies"/> is 1).</param>
/// <param name="Copies">How many copies of each feature a record holds (1: no replication).</param>
/// <param name="SchemaFingerprint">The SDK feature schema's fingerprint the model expects, when it declares one.</param>
public sealed record PlanInput(
    IReadOnlyList<string> Features,
    IReadOnlyList<double>? Mean,
    IReadOnlyList<double>? ScaleBy,
    IReadOnlyList<double>? Lower,
    IReadOnlyList<double>? Upper,
    int RecordsPerCiphertext,
    int RecordStride,
    IReadOnlyList<int> FeatureOffsets,
    int ReplicationPeriod,
    int Copies,
    string? SchemaFingerprint = null);

/// <summary>Output layout and how the client turns outputs into a result.</summary>
/// <param name="Names">Output names (class names or the target), one per output.</param>
/// <param name="Offsets">Offset of output c within its record's slots.</param>
/// <param name="Meaning">
/// What an output is: <c>value</c> (regression), <c>logit</c> (binary: probability = σ(logit)), <c>probability</c>
/// (σ already applied by a polynomial), <c>logits</c> (one per class: softmax on the client), <c>margin</c> (SVM: the
/// sign decides), <c>moments</c> (statistics).
/// </param>
/// <param name="Level">Chain index of the result ciphertext (0 = only the first prime left).</param>
/// <param name="Scale">Scale of the result ciphertext.</param>
public sealed record PlanOutput(IReadOnlyList<string> Names, IReadOnlyList<int> Offsets, string Meaning, int Level, double Scale);

/// <summary>Depth and expected precision.</summary>
/// <param name="Depth">Levels the circuit consumes.</param>
/// <param name="LevelsLeft">Levels left in the result (0 with the fewest primes).</param>
/// <param name="TargetBits">Bits of precision asked for.</param>
/// <param name="ExpectedMaxAbsError">Bound on the absolute error of an output (approximation + CKKS noise), in output units.</param>
/// <param name="ApproximationMaxAbsError">The part of that bound due to polynomial approximations (0 without them).</param>
public sealed record PlanPrecision(int Depth, int LevelsLeft, int TargetBits, double ExpectedMaxAbsError, double ApproximationMaxAbsError);

/// <summary>Sizes in bytes of the SEAL serializations (no compression), so a client knows what it will send and keep.</summary>
/// <param name="InputCiphertextBytes">
/// One input ciphertext as uploaded: seeded form for model plans (the key owner encrypts with the secret key), full
/// form for statistics plans (contributors encrypt with the dataset's public key, which cannot be seeded).
/// </param>
/// <param name="OutputCiphertextBytes">One result ciphertext.</param>
/// <param name="PublicKeyBytes">The public key (seeded form is not available for it; full size).</param>
/// <param name="RelinKeysBytes">Relinearization keys, seeded form (0 if not needed).</param>
/// <param name="GaloisKeysBytes">The planned Galois keys, seeded form (0 if none).</param>
/// <param name="AllGaloisKeysBytes">What SEAL's default <c>CreateGaloisKeys()</c> (every power-of-two step) would weigh, for comparison.</param>
public sealed record PlanSizes(
    long InputCiphertextBytes,
    long OutputCiphertextBytes,
    long PublicKeyBytes,
    long RelinKeysBytes,
    long GaloisKeysBytes,
    long AllGaloisKeysBytes);
