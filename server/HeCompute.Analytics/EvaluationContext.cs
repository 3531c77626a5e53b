using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics;

/// <summary>
/// Everything a homomorphic computation needs besides its operands: the CKKS parameters, an evaluator, an encoder, the
/// evaluation keys, the default scale Δ and the computation's cancellation token. Every building block in <c>HeCompute.Analytics</c> takes one, so call sites
/// stay short.
/// </summary>
/// <remarks>
/// <para>
/// <b>Levels.</b> A level is SEAL's chain index: a ciphertext at level ℓ has the primes q_0 … q_ℓ, the first data level
/// is <see cref="TopLevel"/>, and rescaling at level ℓ divides the scale by q_ℓ (<see cref="RescalePrime"/>) and moves
/// to level ℓ − 1. Level 0 cannot be rescaled.
/// </para>
/// <para>
/// <b>Scales.</b> SEAL's primes are not powers of two, so every block tracks the real scale. Blocks that multiply by a
/// plaintext encode it at the scale that makes the product land exactly where the block says (for example at q_ℓ,
/// so that the following rescale gives back the input scale exactly).
/// </para>
/// <para>
/// <b>Keys.</b> <see cref="Keys"/> (an <see cref="IEvaluationKeySet"/>, so a host may load keys lazily) may be null, or
/// lack a key, when a computation does not need it; a block that needs a missing key throws
/// <see cref="MissingKeyException"/>. Each block with rotations publishes the exact rotation steps it uses
/// (<c>RequiredSteps</c>), so only those Galois keys need to exist.
/// </para>
/// <para>
/// <b>Cancellation.</b> Every key switch a block runs (rotation, relinearization) observes <see cref="CancellationToken"/>,
/// so a cancelled computation stops within one key switch; <see cref="WithCancellation"/> binds a computation's token.
/// </para>
/// <para>
/// <b>Encoded plaintexts.</b> Blocks that reuse plaintexts (a matrix's diagonals) keep them in <see cref="Plaintexts"/>:
/// a host's cache under its memory budget, or by default one that lives with the context (and its copies), so a caller
/// that keeps a context encodes each matrix once and one that drops it frees what was encoded.
/// </para>
/// <para>The context holds no mutable state of its own besides that cache; it can be shared by threads as far as the engine objects can.</para>
/// </remarks>
public sealed class EvaluationContext
{
    private readonly ulong[] _primes;
    private readonly ParmsId[] _parmsIds;

    /// <summary>Creates a context, with a new evaluator and encoder unless given.</summary>
    /// <param name="parameters">The CKKS parameters.</param>
    /// <param name="defaultScale">Δ: the scale fresh inputs are encoded at and blocks aim for.</param>
    /// <param name="keys">Evaluation keys (relinearization and the Galois keys of the rotation steps used), or null when nothing needs them.</param>
    /// <param name="evaluator">An evaluator to share, or null for a new one.</param>
    /// <param name="encoder">An encoder to share, or null for a new one.</param>
    /// <param name="plaintexts">
    /// Where blocks keep the plaintexts they encode once (a host's budgeted cache), or null for one that lives with this
    /// context and its copies.
    /// </param>
    public EvaluationContext(
        Parameters parameters,
        double defaultScale,
        IEvaluationKeySet? keys = null,
        Evaluator? evaluator = null,
        Encoder? encoder = null,
        IPlaintextCache? plaintexts = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(defaultScale > 1) || !double.IsFinite(defaultScale))
        {
            throw new ArgumentOutOfRangeException(nameof(defaultScale), defaultScale, "The default scale must be a finite number above 1.");
        }

        Parameters = parameters;
        DefaultScale = defaultScale;
        Keys = keys;
        Evaluator = evaluator ?? new Evaluator(parameters);
        Encoder = encoder ?? new Encoder(parameters);
        Plaintexts = plaintexts ?? new ContextPlaintextCache();
        SlotCount = Encoder.SlotCount;
        TopLevel = parameters.FirstLevel.ChainIndex;
        _primes = new ulong[TopLevel + 1];
        _parmsIds = new ParmsId[TopLevel + 1];
        for (var level = parameters.FirstLevel; level is not null; level = level.Next)
        {
            _primes[level.ChainIndex] = level.Primes[^1];
            _parmsIds[level.ChainIndex] = level.ParmsId;
        }
    }

    private EvaluationContext(EvaluationContext other, IEvaluationKeySet? keys, CancellationToken cancellationToken)
    {
        Parameters = other.Parameters;
        DefaultScale = other.DefaultScale;
        Keys = keys;
        Evaluator = other.Evaluator;
        Encoder = other.Encoder;
        Plaintexts = other.Plaintexts;
        SlotCount = other.SlotCount;
        TopLevel = other.TopLevel;
        _primes = other._primes;
        _parmsIds = other._parmsIds;
        RotationObserver = other.RotationObserver;
        CancellationToken = cancellationToken;
    }

    /// <summary>The CKKS parameters.</summary>
    public Parameters Parameters { get; }

    /// <summary>The evaluator every block uses.</summary>
    public Evaluator Evaluator { get; }

    /// <summary>The encoder every block uses.</summary>
    public Encoder Encoder { get; }

    /// <summary>Where blocks keep plaintexts they encode once and reuse (shared by this context's copies).</summary>
    public IPlaintextCache Plaintexts { get; }

    /// <summary>The evaluation keys (null if none were given).</summary>
    public IEvaluationKeySet? Keys { get; }

    /// <summary>Observed by every key switch; cancelling it stops the computation within one key switch.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Δ, the scale fresh inputs are encoded at and polynomial evaluations return at by default.</summary>
    public double DefaultScale { get; }

    /// <summary>Number of slots, N/2.</summary>
    public int SlotCount { get; }

    /// <summary>The level of a freshly encrypted ciphertext (the first data level's chain index).</summary>
    public int TopLevel { get; }

    /// <summary>Called with every rotation step a block applies (tests use it to check the declared step lists).</summary>
    internal Action<int>? RotationObserver { get; set; }

    /// <summary>A copy of this context with other evaluation keys (same evaluator, encoder, plaintext cache and cancellation token).</summary>
    public EvaluationContext WithKeys(IEvaluationKeySet? keys) => new(this, keys, CancellationToken);

    /// <summary>A copy of this context whose key switches observe <paramref name="cancellationToken"/>.</summary>
    public EvaluationContext WithCancellation(CancellationToken cancellationToken) => new(this, Keys, cancellationToken);

    /// <summary>The level (chain index) of a ciphertext.</summary>
    public int LevelOf(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return LevelOf(ciphertext.ParmsId);
    }

    /// <summary>The level (chain index) of a parms_id.</summary>
    public int LevelOf(ParmsId parmsId)
    {
        var data = Parameters.GetLevel(parmsId) ?? throw new ArgumentException($"parms_id {parmsId} is not a level of this context.", nameof(parmsId));
        var level = data.ChainIndex;
        if (level > TopLevel)
        {
            throw new ArgumentException("The key level holds keys only; it is not a ciphertext level.", nameof(parmsId));
        }

        return level;
    }

    /// <summary>The level and scale of a ciphertext.</summary>
    public CiphertextShape ShapeOf(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return new CiphertextShape(LevelOf(ciphertext), ciphertext.Scale);
    }

    /// <summary>The shape of a fresh encryption at <see cref="TopLevel"/> and scale <paramref name="scale"/> (Δ if omitted).</summary>
    public CiphertextShape FreshShape(double? scale = null) => new(TopLevel, scale ?? DefaultScale);

    /// <summary>The parms_id of a level.</summary>
    public ParmsId ParmsIdAt(int level)
    {
        CheckLevel(level);
        return _parmsIds[level];
    }

    /// <summary>q_ℓ, the prime a rescale at level ℓ divides by (the last prime of that level).</summary>
    /// <exception cref="ArgumentOutOfRangeException">At level 0 (nothing left to rescale) or outside the chain.</exception>
    public ulong RescalePrime(int level)
    {
        CheckLevel(level);
        if (level == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Level 0 cannot be rescaled: the chain has no prime left to drop.");
        }

        return _primes[level];
    }

    /// <summary>Bit count of the product of the primes at a level (what a scale times a message must stay below).</summary>
    public int ModulusBits(int level) => Parameters.GetLevel(ParmsIdAt(level))!.TotalModulusBits;

    /// <summary>Encodes one real number into every slot (a constant polynomial) at a level and scale.</summary>
    public Plaintext EncodeConstant(double value, int level, double scale)
    {
        var plain = new Plaintext();
        Encoder.Encode(value, ParmsIdAt(level), scale, plain);
        return plain;
    }

    /// <summary>Encodes real values into the first slots (the rest are zero) at a level and scale.</summary>
    public Plaintext EncodeVector(ReadOnlySpan<double> values, int level, double scale)
    {
        var plain = new Plaintext();
        Encoder.Encode(values, ParmsIdAt(level), scale, plain);
        return plain;
    }

    /// <summary>The canonical form of a rotation step: the equivalent step in (−slots/2, slots/2].</summary>
    /// <remarks>Rotating left by k and by k ± slots is the same automorphism, so both need the same Galois key.</remarks>
    public int NormalizeStep(int step) => RotationSteps.Normalize(step, SlotCount);

    /// <summary>Rotates the slots left by <paramref name="step"/> (right if negative) into a new ciphertext.</summary>
    public Ciphertext Rotate(Ciphertext ciphertext, int step)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var normalized = NormalizeStep(step);
        if (normalized == 0)
        {
            return new Ciphertext(ciphertext);
        }

        var result = new Ciphertext();
        RotationObserver?.Invoke(normalized);
        Evaluator.RotateVector(ciphertext, normalized, RequireGaloisKeys(), result, CancellationToken);
        return result;
    }

    /// <summary>
    /// Rotates one ciphertext by several steps sharing one key-switching decomposition (hoisting). Entry i of the result
    /// is the rotation by <paramref name="steps"/>[i]; a zero step gives a copy.
    /// </summary>
    public Ciphertext[] RotateHoisted(Ciphertext ciphertext, IReadOnlyList<int> steps)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(steps);
        var normalized = new int[steps.Count];
        for (var i = 0; i < normalized.Length; i++)
        {
            normalized[i] = NormalizeStep(steps[i]);
            if (normalized[i] != 0)
            {
                RotationObserver?.Invoke(normalized[i]);
            }
        }

        var results = new List<Ciphertext>(normalized.Length);
        if (normalized.Any(step => step != 0))
        {
            Evaluator.RotateVectorHoisted(ciphertext, normalized, RequireGaloisKeys(), results, CancellationToken);
        }
        else
        {
            foreach (var _ in normalized)
            {
                results.Add(new Ciphertext(ciphertext));
            }
        }

        return [.. results];
    }

    /// <summary>Relinearizes a size-3 product in place (one key switch, observing <see cref="CancellationToken"/>).</summary>
    /// <exception cref="MissingKeyException">The keys have no relinearization key.</exception>
    public void RelinearizeInplace(Ciphertext product) => Evaluator.RelinearizeInplace(product, RequireRelinKeys(), CancellationToken);

    /// <summary>The keys, if they hold a relinearization key; otherwise a <see cref="MissingKeyException"/> saying it is needed.</summary>
    public IEvaluationKeySet RequireRelinKeys() =>
        Keys?.RelinearizationKey is not null
            ? Keys
            : throw new MissingKeyException("This computation multiplies ciphertexts: the evaluation context needs relinearization keys.");

    /// <summary>The keys, or a <see cref="MissingKeyException"/> saying Galois keys are needed (a missing step is named by the evaluator).</summary>
    public IEvaluationKeySet RequireGaloisKeys() =>
        Keys ?? throw new MissingKeyException("This computation rotates slots: the evaluation context needs Galois keys for its RequiredSteps.");

    private void CheckLevel(int level)
    {
        if (level < 0 || level > TopLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"Levels of this context run from 0 to {TopLevel}.");
        }
    }
}
