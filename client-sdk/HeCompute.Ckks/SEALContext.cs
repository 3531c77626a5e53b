using HeCompute.Ckks.Tools;
using System.Text;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>SEALContext</c> over the core's <see cref="Rlwe.Parameters"/>: validates the parameters and presents
/// the core's modulus-switching chain as <see cref="ContextData"/> levels.
/// </summary>
/// <remarks>
/// Invalid parameters, or parameters whose coefficient modulus exceeds the HomomorphicEncryption.org bound for
/// <c>secLevel</c>, do not throw here: as in SEALNet, <see cref="ParametersSet"/> is false,
/// <see cref="ParameterErrorName"/> and <see cref="ParameterErrorMessage"/> say why, and every object built on the
/// context throws <see cref="InvalidParametersException"/>. <see cref="SecLevelType.None"/> is the explicit,
/// research-only opt-out.
/// </remarks>
public sealed class SEALContext : DisposableObject
{
    private readonly Dictionary<Rlwe.ParmsId, ContextData> _levels = [];
    private readonly Rlwe.Parameters? _parameters;
    private readonly string _errorMessage;

    /// <summary>Validates the parameters and builds the chain.</summary>
    /// <param name="parms">The encryption parameters.</param>
    /// <param name="expandModChain">Whether to build the chain below the first data level (SEAL's meaning: without it, data lives at one level).</param>
    /// <param name="secLevel">The HomomorphicEncryption.org security level to enforce.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parms"/> is null.</exception>
    public SEALContext(EncryptionParameters parms, bool expandModChain = true, SecLevelType secLevel = SecLevelType.TC128)
    {
        ArgumentNullException.ThrowIfNull(parms);
        SecLevel = secLevel;
        var literal = parms.ToLiteral((Rlwe.SecurityLevel)secLevel);
        var error = parms.Scheme == SchemeType.CKKS
            ? Rlwe.Parameters.Validate(literal, out _errorMessage)
            : Invalid(parms.Scheme, out _errorMessage);
        if (error != ParameterError.Success)
        {
            var primes = parms.CoeffModulus.Select(m => m.Value).ToArray();
            var invalid = new ContextData(
                new EncryptionParameters(parms),
                new EncryptionParameterQualifiers(error, SecLevelType.None, descending: false),
                primes.Length == 0 ? 0 : Rlwe.Parameters.TotalBitCount(primes),
                level: null);
            _levels[parms.ParmsId.ToCore()] = invalid;
            KeyContextData = FirstContextData = LastContextData = invalid;
            return;
        }

        _parameters = Rlwe.Parameters.Create(literal);
        ContextData? previous = null;
        for (var level = _parameters.KeyLevel; level is not null; level = level.Next)
        {
            var data = new ContextData(level, secLevel) { PrevContextData = previous };
            _levels[level.ParmsId] = data;
            if (previous is not null)
            {
                previous.NextContextData = data;
            }

            previous = data;
            if (!expandModChain && level == _parameters.FirstLevel)
            {
                break;
            }
        }

        KeyContextData = _levels[_parameters.KeyParmsId];
        FirstContextData = _levels[_parameters.FirstParmsId];
        LastContextData = previous!;
        var index = 0UL;
        for (var data = LastContextData; data is not null; data = data.PrevContextData)
        {
            data.ChainIndex = index++;
        }
    }

    private static ParameterError Invalid(SchemeType scheme, out string message)
    {
        message = $"Scheme {scheme} is not supported: this engine implements CKKS only.";
        return ParameterError.InvalidScheme;
    }

    /// <summary>The security level the context was asked to enforce.</summary>
    public SecLevelType SecLevel { get; }

    /// <summary>The level holding every prime, including the special prime; keys live here.</summary>
    public ContextData KeyContextData { get; }

    /// <summary>The highest level data is encrypted at (all primes but the special one).</summary>
    public ContextData FirstContextData { get; }

    /// <summary>The lowest level of the chain.</summary>
    public ContextData LastContextData { get; }

    /// <summary>parms_id of the key level.</summary>
    public ParmsId KeyParmsId => KeyContextData.ParmsId;

    /// <summary>parms_id of the first data level.</summary>
    public ParmsId FirstParmsId => FirstContextData.ParmsId;

    /// <summary>parms_id of the last level.</summary>
    public ParmsId LastParmsId => LastContextData.ParmsId;

    /// <summary>Whether the parameters have a special prime, so relinearization and rotations are possible.</summary>
    public bool UsingKeyswitching => _parameters?.SupportsKeySwitching ?? false;

    /// <summary>Whether the parameters are valid.</summary>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public bool ParametersSet
    {
        get
        {
            ThrowIfDisposed();
            return _parameters is not null;
        }
    }

    /// <summary>The validated core parameters, or null; for this layer's objects, which keep working once the context is disposed (as SEAL's share its data).</summary>
    internal Rlwe.Parameters? CoreParameters => _parameters;

    /// <summary>SEALNet's check of a context argument: a disposed context throws <see cref="ObjectDisposedException"/>.</summary>
    internal void ThrowIfDisposedHandle() => ThrowIfDisposed();

    /// <summary>SEAL's name of the validation outcome: <c>success</c>, or e.g. <c>invalid_parameters_insecure</c>.</summary>
    public string ParameterErrorName() => SnakeCase(KeyContextData.Qualifiers.ParameterError.ToString());

    /// <summary>"valid", or what is wrong with the parameters in words that say which limit was exceeded.</summary>
    public string ParameterErrorMessage() => _errorMessage;

    /// <summary>
    /// The validated core parameters, for code that mixes this layer with the core (the analytics and the server
    /// compute on <see cref="Rlwe.Parameters"/>).
    /// </summary>
    /// <exception cref="InvalidParametersException">The parameters are not valid; the message says why.</exception>
    public Rlwe.Parameters Parameters =>
        _parameters ?? throw new InvalidParametersException(KeyContextData.Qualifiers.ParameterError, _errorMessage);

    /// <summary>The level with this parms_id, or null if the chain has none.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parmsId"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public ContextData? GetContextData(ParmsId parmsId)
    {
        var id = ParmsId.Require(parmsId, nameof(parmsId));
        ThrowIfDisposed();
        return _levels.GetValueOrDefault(id);
    }

    /// <summary>The level of a core parms_id, if it is in this context's chain.</summary>
    internal ContextData? GetContextData(Rlwe.ParmsId parmsId) => _levels.GetValueOrDefault(parmsId);

    /// <summary>The core parameters of a context argument, refusing null and invalid parameters.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException">The parameters are not valid (SEALNet's exception; the core's <see cref="InvalidParametersException"/> is the inner one).</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    internal static Rlwe.Parameters Require(SEALContext? context, string name)
    {
        ArgumentNullException.ThrowIfNull(context, name);
        context.ThrowIfDisposed();
        return SealNetErrors.Run(() => context.Parameters);
    }

    internal static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 8);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }


    /// <summary>One level of the modulus chain (SEALNet's <c>SEALContext.ContextData</c>), a view of a core <see cref="Rlwe.Level"/>.</summary>
    public sealed class ContextData : DisposableObject
    {
        private readonly EncryptionParameters _parms;

        internal ContextData(Rlwe.Level level, SecLevelType secLevel)
            : this(
                new EncryptionParameters(new Rlwe.ParametersLiteral(level.PolyModulusDegree, level.Primes, (Rlwe.SecurityLevel)secLevel)),
                new EncryptionParameterQualifiers(ParameterError.Success, secLevel, IsDescending(level.Primes)),
                level.TotalModulusBits,
                level)
        {
        }

        internal ContextData(EncryptionParameters parms, EncryptionParameterQualifiers qualifiers, int totalBitCount, Rlwe.Level? level)
        {
            _parms = parms;
            Qualifiers = qualifiers;
            TotalCoeffModulusBitCount = totalBitCount;
            Level = level;
        }

        /// <summary>A copy of this level's parameters.</summary>
        public EncryptionParameters Parms => new(_parms);

        /// <summary>The parms_id of this level.</summary>
        public ParmsId ParmsId => _parms.ParmsId;

        /// <summary>Validation outcome and properties.</summary>
        public EncryptionParameterQualifiers Qualifiers { get; }

        /// <summary>Bit count of the product of this level's primes.</summary>
        public int TotalCoeffModulusBitCount { get; }

        /// <summary>The product Q of this level's primes, as many 64-bit words (least significant first) as there are primes.</summary>
        public ulong[] TotalCoeffModulus => Words(Product());

        /// <summary>(Q + 1) / 2, the threshold above which a coefficient modulo Q stands for a negative value (SEAL computes it for CKKS).</summary>
        public ulong[]? UpperHalfThreshold => _parms.Scheme == SchemeType.CKKS ? Words((Product() + 1) / 2) : null;

        /// <summary>BFV's Q mod t in RNS form: null for CKKS, as in SEAL.</summary>
        public ulong[]? UpperHalfIncrement => null;

        /// <summary>BFV's floor(Q / t) in RNS form: empty for CKKS, as in SEAL.</summary>
        public ulong[] CoeffDivPlainModulus => [];

        /// <summary>BFV/BGV's (t + 1) / 2: 0 for CKKS, as in SEAL.</summary>
        public ulong PlainUpperHalfThreshold => 0;

        /// <summary>BFV/BGV's q_i − t: empty for CKKS, as in SEAL.</summary>
        public ulong[] PlainUpperHalfIncrement => [];

        private System.Numerics.BigInteger Product()
        {
            var product = System.Numerics.BigInteger.One;
            foreach (var prime in _parms.CoeffModulus)
            {
                product *= prime.Value;
            }

            return product;
        }

        private ulong[] Words(System.Numerics.BigInteger value)
        {
            var words = new ulong[_parms.CoeffModulus.Count()];
            for (var i = 0; i < words.Length; i++)
            {
                words[i] = (ulong)(value & ulong.MaxValue);
                value >>= 64;
            }

            return words;
        }

        /// <summary>Position in the chain: 0 for the last level, increasing towards the key level.</summary>
        public ulong ChainIndex { get; internal set; }

        /// <summary>The next level (one prime fewer), or null at the end of the chain.</summary>
        public ContextData? NextContextData { get; internal set; }

        /// <summary>The previous level (one prime more), or null at the key level.</summary>
        public ContextData? PrevContextData { get; internal set; }

        /// <summary>The core level, or null for invalid parameters.</summary>
        internal Rlwe.Level? Level { get; }

        private static bool IsDescending(IReadOnlyList<ulong> primes)
        {
            for (var i = 1; i < primes.Count; i++)
            {
                if (primes[i - 1] <= primes[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
