using HeCompute.Ckks.Ring;

namespace HeCompute.Ckks;

/// <summary>
/// Validates encryption parameters and owns the modulus-switching chain (SEALNet's <c>SEALContext</c>): the key level
/// holds every prime; each following level drops the last prime, down to a single prime.
/// </summary>
/// <remarks>
/// Parameters whose total coefficient modulus exceeds the HomomorphicEncryption.org bound for <c>secLevel</c> are
/// refused (<see cref="ParametersSet"/> is false and every object built on the context throws
/// <see cref="InvalidParametersException"/> naming the limit). <see cref="SecLevelType.None"/> is the explicit,
/// research-only opt-out.
/// </remarks>
public sealed class SEALContext : IDisposable
{
    private readonly Dictionary<ParmsId, ContextData> _levels = [];

    /// <summary>Validates the parameters and builds the chain.</summary>
    public SEALContext(EncryptionParameters parms, bool expandModChain = true, SecLevelType secLevel = SecLevelType.TC128)
    {
        ArgumentNullException.ThrowIfNull(parms);
        SecLevel = secLevel;
        var keyParms = new EncryptionParameters(parms);
        var key = Validate(keyParms, secLevel, null);
        _levels[key.ParmsId] = key;
        KeyContextData = key;
        FirstContextData = key;
        LastContextData = key;
        if (!key.Qualifiers.ParametersSet)
        {
            return;
        }

        if (key.CoeffModulusSize > 1)
        {
            var current = key;
            do
            {
                var next = Validate(current.Parms.DropLastPrime(), secLevel, key.Ntt);
                if (!next.Qualifiers.ParametersSet)
                {
                    break;
                }

                _levels[next.ParmsId] = next;
                current.NextContextData = next;
                next.PrevContextData = current;
                current = next;
            }
            while (expandModChain && current.CoeffModulusSize > 1);

            FirstContextData = key.NextContextData ?? key;
            LastContextData = current;
        }

        var index = 0UL;
        for (var level = LastContextData; level is not null; level = level.PrevContextData)
        {
            level.ChainIndex = index++;
            if (level != key)
            {
                level.SetSpecialModulus(key.Moduli[^1]);
            }
        }
    }

    /// <summary>The security level the context was asked to enforce.</summary>
    public SecLevelType SecLevel { get; }

    /// <summary>The level holding every prime, including the special prime; keys live here.</summary>
    public ContextData KeyContextData { get; }

    /// <summary>The highest level data is encrypted at (all primes but the special one).</summary>
    public ContextData FirstContextData { get; }

    /// <summary>The lowest level (one prime).</summary>
    public ContextData LastContextData { get; }

    /// <summary>parms_id of the key level.</summary>
    public ParmsId KeyParmsId => KeyContextData.ParmsId;

    /// <summary>parms_id of the first data level.</summary>
    public ParmsId FirstParmsId => FirstContextData.ParmsId;

    /// <summary>parms_id of the last level.</summary>
    public ParmsId LastParmsId => LastContextData.ParmsId;

    /// <summary>Whether the parameters have a special prime, so relinearization and rotations are possible.</summary>
    public bool UsingKeyswitching => ParametersSet() && KeyContextData.CoeffModulusSize > 1;

    /// <summary>Whether the parameters are valid.</summary>
    public bool ParametersSet() => KeyContextData.Qualifiers.ParametersSet;

    /// <summary>Name of the validation outcome.</summary>
    public string ParameterErrorName() => KeyContextData.Qualifiers.ParameterError.ToString();

    /// <summary>What is wrong with the parameters, in words that say which limit was exceeded.</summary>
    public string ParameterErrorMessage() => _errorMessage ?? "valid";

    /// <summary>The level with this parms_id, or null if the chain has none.</summary>
    public ContextData? GetContextData(ParmsId parmsId) => _levels.GetValueOrDefault(parmsId);

    private string? _errorMessage;

    internal void ThrowIfNotSet()
    {
        if (!ParametersSet())
        {
            throw new InvalidParametersException(KeyContextData.Qualifiers.ParameterError, ParameterErrorMessage());
        }
    }

    internal ContextData GetLevel(ParmsId parmsId, string what) =>
        GetContextData(parmsId) ?? throw new ParmsIdMismatchException($"{what} has parms_id {parmsId}, which is not a level of this context.");

    private ContextData Validate(EncryptionParameters parms, SecLevelType secLevel, NttTables[]? keyTables)
    {
        var (error, message, totalBits) = Check(parms, secLevel);
        if (error != ParameterError.Success)
        {
            _errorMessage ??= message;
            return new ContextData(parms, new EncryptionParameterQualifiers(error, SecLevelType.None, false), totalBits, []);
        }

        var primes = parms.CoeffModulusSpan;
        var logN = System.Numerics.BitOperations.Log2((uint)parms.PolyModulusDegree);
        var tables = new NttTables[primes.Length];
        var descending = true;
        for (var i = 0; i < primes.Length; i++)
        {
            tables[i] = keyTables is not null ? keyTables[i] : new NttTables(logN, new SmallModulus(primes[i].Value));
            descending &= i == 0 || primes[i - 1].Value > primes[i].Value;
        }

        return new ContextData(parms, new EncryptionParameterQualifiers(ParameterError.Success, secLevel, descending), totalBits, tables);
    }

    private static (ParameterError Error, string Message, int TotalBits) Check(EncryptionParameters parms, SecLevelType secLevel)
    {
        if (parms.Scheme != SchemeType.CKKS)
        {
            return (ParameterError.InvalidScheme, $"Scheme {parms.Scheme} is not supported: this engine implements CKKS only.", 0);
        }

        var primes = parms.CoeffModulusSpan;
        if (primes.Length < 1 || primes.Length > CoeffModulus.MaxPrimeCount)
        {
            return (ParameterError.InvalidCoeffModulusSize, $"coeff_modulus must have 1 to {CoeffModulus.MaxPrimeCount} primes; it has {primes.Length}.", 0);
        }

        for (var i = 0; i < primes.Length; i++)
        {
            var q = primes[i].Value;
            if (q >> CoeffModulus.MaxPrimeBitCount != 0 || q >> (CoeffModulus.MinPrimeBitCount - 1) == 0)
            {
                return (ParameterError.InvalidCoeffModulusBitCount, $"Prime {i} ({q}) has {primes[i].BitCount} bits; each prime has 2 to 60 bits.", 0);
            }

            if (!ModArith.IsPrime(q))
            {
                return (ParameterError.InvalidCoeffModulusNonPrime, $"coeff_modulus[{i}] = {q} is not prime.", 0);
            }

            for (var j = 0; j < i; j++)
            {
                if (primes[j].Value == q)
                {
                    return (ParameterError.FailedCreatingRnsBase, $"coeff_modulus[{j}] and coeff_modulus[{i}] are both {q}; primes must be distinct.", 0);
                }
            }

        }

        var bitCount = TotalBitCount(primes);
        var n = parms.PolyModulusDegree;
        if (n < HeStandard.MinPolyModulusDegree || n > HeStandard.MaxPolyModulusDegree)
        {
            return (ParameterError.InvalidPolyModulusDegree, $"poly_modulus_degree {n} is outside [{HeStandard.MinPolyModulusDegree}, {HeStandard.MaxPolyModulusDegree}].", bitCount);
        }

        if (!ulong.IsPow2(n))
        {
            return (ParameterError.InvalidPolyModulusDegreeNonPowerOfTwo, $"poly_modulus_degree {n} is not a power of two.", bitCount);
        }

        var bound = CoeffModulus.MaxBitCount(n, secLevel);
        if (bitCount > bound)
        {
            return (ParameterError.InvalidParametersInsecure,
                bound == 0
                    ? $"The HomomorphicEncryption.org standard gives no {(int)secLevel}-bit bound for N = {n}."
                    : $"The coefficient modulus has {bitCount} bits; {(int)secLevel}-bit security (HomomorphicEncryption.org standard) allows at most {bound} bits for N = {n}. Use fewer or smaller primes, or a larger N.",
                bitCount);
        }

        for (var i = 0; i < primes.Length; i++)
        {
            if (primes[i].Value % (2 * n) != 1)
            {
                return (ParameterError.InvalidCoeffModulusNoNtt, $"coeff_modulus[{i}] = {primes[i].Value} is not congruent to 1 modulo 2N = {2 * n}, so it has no NTT.", bitCount);
            }
        }

        if (!parms.PlainModulus.IsZero)
        {
            return (ParameterError.InvalidPlainModulusNonzero, "CKKS parameters must not set a plain modulus.", bitCount);
        }

        return (ParameterError.Success, "valid", bitCount);
    }

    /// <summary>Exact bit count of the product of the primes (multi-word product, as SEAL computes it).</summary>
    internal static int TotalBitCount(ReadOnlySpan<Modulus> primes)
    {
        Span<ulong> product = stackalloc ulong[primes.Length + 1];
        product.Clear();
        product[0] = 1;
        var used = 1;
        foreach (var prime in primes)
        {
            ulong carry = 0;
            for (var w = 0; w < used; w++)
            {
                var full = ((UInt128)product[w] * prime.Value) + carry;
                product[w] = (ulong)full;
                carry = (ulong)(full >> 64);
            }

            if (carry != 0)
            {
                product[used++] = carry;
            }
        }

        return ((used - 1) * 64) + (64 - System.Numerics.BitOperations.LeadingZeroCount(product[used - 1]));
    }

    /// <summary>Nothing to release: present so SEALNet code that disposes this object (with <c>using</c>) compiles unchanged.</summary>
    public void Dispose()
    {
    }
}
