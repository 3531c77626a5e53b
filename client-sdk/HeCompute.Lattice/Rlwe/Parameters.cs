using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Validated, immutable CKKS parameters and their modulus-switching chain: the key level holds every prime; each
/// following level drops the last prime, down to a single prime.
/// </summary>
/// <remarks>
/// Parameters whose total coefficient modulus exceeds the HomomorphicEncryption.org bound for the literal's security
/// level are refused with <see cref="InvalidParametersException"/> naming the limit. <see cref="SecurityLevel.None"/>
/// is the explicit, research-only opt-out.
/// </remarks>
public sealed class Parameters
{
    private readonly Dictionary<ParmsId, Level> _levels = [];

    private Parameters(ParametersLiteral literal, int totalBits)
    {
        Literal = literal with { CoefficientPrimes = [.. literal.CoefficientPrimes] };
        var primes = Literal.CoefficientPrimes.ToArray();
        var n = literal.PolyModulusDegree;
        var logN = System.Numerics.BitOperations.Log2((uint)n);
        var tables = new NttTables[primes.Length];
        for (var i = 0; i < primes.Length; i++)
        {
            tables[i] = new NttTables(logN, new SmallModulus(primes[i]));
        }

        var key = new Level(n, primes, totalBits, tables);
        _levels[key.ParmsId] = key;
        KeyLevel = key;
        var current = key;
        for (var count = primes.Length - 1; count >= 1; count--)
        {
            var next = new Level(n, primes[..count], TotalBitCount(primes.AsSpan(0, count)), tables[..count]);
            _levels[next.ParmsId] = next;
            current.Next = next;
            next.Previous = current;
            current = next;
        }

        FirstLevel = key.Next ?? key;
        LastLevel = current;
        var index = 0;
        for (var level = LastLevel; level is not null; level = level.Previous)
        {
            level.ChainIndex = index++;
            if (level != key)
            {
                level.SetSpecialModulus(key.Moduli[^1]);
            }
        }
    }

    /// <summary>Validates a literal and builds the chain.</summary>
    /// <exception cref="InvalidParametersException">The literal is invalid or below its security level; the message names the limit.</exception>
    public static Parameters Create(ParametersLiteral literal)
    {
        var error = Check(literal, out var message, out var totalBits);
        return error == ParameterError.Success ? new Parameters(literal, totalBits) : throw new InvalidParametersException(error, message);
    }

    /// <summary>Checks a literal without throwing.</summary>
    /// <param name="literal">The parameters to check.</param>
    /// <param name="message">"valid", or what is wrong in words that say which limit was exceeded.</param>
    /// <returns><see cref="ParameterError.Success"/> or the first check that failed.</returns>
    public static ParameterError Validate(ParametersLiteral literal, out string message) => Check(literal, out message, out _);

    /// <summary>The literal these parameters were created from (a private copy).</summary>
    public ParametersLiteral Literal { get; }

    /// <summary>The ring degree N.</summary>
    public int PolyModulusDegree => Literal.PolyModulusDegree;

    /// <summary>Number of complex slots, N/2.</summary>
    public int SlotCount => PolyModulusDegree / 2;

    /// <summary>The security level the parameters were checked against.</summary>
    public SecurityLevel Security => Literal.Security;

    /// <summary>The level holding every prime, including the special prime; keys live here.</summary>
    public Level KeyLevel { get; }

    /// <summary>The highest level data is encrypted at (all primes but the special one).</summary>
    public Level FirstLevel { get; }

    /// <summary>The lowest level (one prime).</summary>
    public Level LastLevel { get; }

    /// <summary>parms_id of the key level (SEAL's parms_id of the parameters).</summary>
    public ParmsId KeyParmsId => KeyLevel.ParmsId;

    /// <summary>parms_id of the first data level.</summary>
    public ParmsId FirstParmsId => FirstLevel.ParmsId;

    /// <summary>parms_id of the last level.</summary>
    public ParmsId LastParmsId => LastLevel.ParmsId;

    /// <summary>Whether there is a special prime, so relinearization and rotations are possible.</summary>
    public bool SupportsKeySwitching => KeyLevel.CoeffModulusSize > 1;

    /// <summary>The level with this parms_id, or null if the chain has none.</summary>
    public Level? GetLevel(ParmsId parmsId) => _levels.GetValueOrDefault(parmsId);

    /// <summary>Saves in SEAL's <c>EncryptionParameters</c> format (see <see cref="ParametersLiteral.Save"/>).</summary>
    public long Save(Stream stream, CompressionMode? compression = null) => Literal.Save(stream, compression);

    /// <summary>Reads SEAL-format parameters and validates them.</summary>
    /// <exception cref="SealFormatException">The bytes are not SEAL CKKS parameters.</exception>
    /// <exception cref="InvalidParametersException">They are invalid or below <paramref name="security"/>.</exception>
    public static Parameters Load(Stream stream, SecurityLevel security = SecurityLevel.Tc128) => Create(ParametersLiteral.Load(stream, security));

    internal Level RequireLevel(ParmsId parmsId, string what) =>
        GetLevel(parmsId) ?? throw new ParmsIdMismatchException($"{what} has parms_id {parmsId}, which is not a level of these parameters.");

    /// <summary>Checks a ciphertext's metadata against the parameters; returns its level.</summary>
    internal Level ValidateCiphertext(Ciphertext ct, string name)
    {
        var level = RequireLevel(ct.ParmsId, name);
        if (level == KeyLevel && KeyLevel != FirstLevel)
        {
            throw new ParmsIdMismatchException($"{name} is at the key level, which holds keys only.");
        }

        if (ct.Size < Ciphertext.SizeMin || ct.PolyModulusDegree != (ulong)level.N || ct.CoeffModulusSize != (ulong)level.CoeffModulusSize)
        {
            throw new InvalidOperandException($"{name} is empty or its shape does not match its level.");
        }

        if (!ct.IsNTTForm)
        {
            throw new InvalidOperandException($"{name} is not in NTT form; CKKS ciphertexts must be.");
        }

        return level;
    }

    private static ParameterError Check(ParametersLiteral literal, out string message, out int totalBits)
    {
        ArgumentNullException.ThrowIfNull(literal);
        (var error, message, totalBits) = CheckLiteral(literal);
        return error;
    }

    private static (ParameterError Error, string Message, int TotalBits) CheckLiteral(ParametersLiteral literal)
    {
        var primes = literal.CoefficientPrimes;
        if (primes is null || primes.Count < 1 || primes.Count > CoeffModulus.MaxPrimeCount)
        {
            return (ParameterError.InvalidCoeffModulusSize, $"coeff_modulus must have 1 to {CoeffModulus.MaxPrimeCount} primes; it has {primes?.Count ?? 0}.", 0);
        }

        if (!Enum.IsDefined(literal.Security))
        {
            return (ParameterError.InvalidParametersInsecure, $"Unknown security level {(int)literal.Security}.", 0);
        }

        for (var i = 0; i < primes.Count; i++)
        {
            var q = primes[i];
            if (q >> CoeffModulus.MaxPrimeBitCount != 0 || q >> (CoeffModulus.MinPrimeBitCount - 1) == 0)
            {
                return (ParameterError.InvalidCoeffModulusBitCount, $"Prime {i} ({q}) has {64 - System.Numerics.BitOperations.LeadingZeroCount(q)} bits; each prime has 2 to 60 bits.", 0);
            }

            if (!ModArith.IsPrime(q))
            {
                return (ParameterError.InvalidCoeffModulusNonPrime, $"coeff_modulus[{i}] = {q} is not prime.", 0);
            }

            for (var j = 0; j < i; j++)
            {
                if (primes[j] == q)
                {
                    return (ParameterError.FailedCreatingRnsBase, $"coeff_modulus[{j}] and coeff_modulus[{i}] are both {q}; primes must be distinct.", 0);
                }
            }
        }

        var primeArray = primes.ToArray();
        var bitCount = TotalBitCount(primeArray);
        var n = literal.PolyModulusDegree;
        if (n < HeStandard.MinPolyModulusDegree || n > HeStandard.MaxPolyModulusDegree)
        {
            return (ParameterError.InvalidPolyModulusDegree, $"poly_modulus_degree {n} is outside [{HeStandard.MinPolyModulusDegree}, {HeStandard.MaxPolyModulusDegree}].", bitCount);
        }

        if (!int.IsPow2(n))
        {
            return (ParameterError.InvalidPolyModulusDegreeNonPowerOfTwo, $"poly_modulus_degree {n} is not a power of two.", bitCount);
        }

        var security = literal.Security;
        var bound = CoeffModulus.MaxBitCount(n, security);
        if (bitCount > bound)
        {
            return (ParameterError.InvalidParametersInsecure,
                bound == 0
                    ? $"The HomomorphicEncryption.org standard gives no {(int)security}-bit bound for N = {n}."
                    : $"The coefficient modulus has {bitCount} bits; {(int)security}-bit security (HomomorphicEncryption.org standard) allows at most {bound} bits for N = {n}. Use fewer or smaller primes, or a larger N.",
                bitCount);
        }

        for (var i = 0; i < primeArray.Length; i++)
        {
            if (primeArray[i] % (2 * (ulong)n) != 1)
            {
                return (ParameterError.InvalidCoeffModulusNoNtt, $"coeff_modulus[{i}] = {primeArray[i]} is not congruent to 1 modulo 2N = {2 * n}, so it has no NTT.", bitCount);
            }
        }

        return (ParameterError.Success, "valid", bitCount);
    }

    /// <summary>Exact bit count of the product of the primes (multi-word product, as SEAL computes it).</summary>
    internal static int TotalBitCount(ReadOnlySpan<ulong> primes)
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
                var full = ((UInt128)product[w] * prime) + carry;
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
}
