using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Errors;

namespace HeCompute.Server.KeySets;

/// <summary>
/// Deserializes and validates the parts of a key set with the engine: parameters first (CKKS, 128-bit security),
/// then each key against them. A part that fails to load but loads as a <see cref="SecretKey"/> for these parameters
/// is refused as a secret key.
/// </summary>
public static class KeySetLoader
{
    /// <summary>Loads the parts (each opened fresh from <paramref name="parts"/>) and returns the keys.</summary>
    /// <exception cref="DomainException">Missing parameters, invalid or insecure parameters, a malformed key, or a secret key.</exception>
    public static LoadedKeySet Load(IReadOnlyDictionary<string, Func<Stream>> parts, long maxPartBytes)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (!parts.TryGetValue(KeySetParts.Parms, out var openParms))
        {
            throw DomainErrors.Invalid($"The '{KeySetParts.Parms}' part (SEAL EncryptionParameters) is required.");
        }

        ParametersLiteral parms;
        using (var stream = openParms())
        {
            try
            {
                parms = ParametersLiteral.Load(stream, SecurityLevel.Tc128);
            }
            catch (SealException ex)
            {
                throw EngineErrors.From(ex, $"Part '{KeySetParts.Parms}'");
            }
        }

        var error = Parameters.Validate(parms, out var reason);
        if (error != ParameterError.Success)
        {
            throw EngineErrors.FromParameterError(error, reason);
        }

        var context = Parameters.Create(parms);
        var publicKey = LoadPart(parts, KeySetParts.PublicKey, context, stream =>
        {
            var key = new PublicKey();
            key.Load(context, stream);
            return key;
        });
        var relinKeys = LoadPart(parts, KeySetParts.RelinKeys, context, stream =>
        {
            var keys = new RelinKeys();
            keys.Load(context, stream, maxPartBytes);
            return keys;
        });
        var galoisKeys = LoadPart(parts, KeySetParts.GaloisKeys, context, stream =>
        {
            var keys = new GaloisKeys();
            keys.Load(context, stream, maxPartBytes);
            return keys;
        });

        if (publicKey is null && relinKeys is null && galoisKeys is null)
        {
            throw DomainErrors.Invalid(
                $"A key set needs at least one of '{KeySetParts.PublicKey}', '{KeySetParts.RelinKeys}', '{KeySetParts.GaloisKeys}'.");
        }

        return new LoadedKeySet(context, publicKey, relinKeys, galoisKeys, ApproximateBytes(parms, publicKey, relinKeys, galoisKeys));
    }

    /// <summary>Bit sizes of the coefficient primes, special prime last.</summary>
    public static IReadOnlyList<int> CoeffModulusBits(ParametersLiteral parms) =>
        (parms ?? throw new ArgumentNullException(nameof(parms))).CoefficientPrimes.Select(q => 64 - System.Numerics.BitOperations.LeadingZeroCount(q)).ToArray();

    private static T? LoadPart<T>(IReadOnlyDictionary<string, Func<Stream>> parts, string part, Parameters context, Func<Stream, T> load)
        where T : class
    {
        if (!parts.TryGetValue(part, out var open))
        {
            return null;
        }

        try
        {
            using var stream = open();
            return load(stream);
        }
        catch (SealException ex)
        {
            SecretKeyGuard.RefuseSecretKey(open, context, $"Part '{part}'", "an evaluation key");
            throw EngineErrors.From(ex, $"Part '{part}'");
        }
    }

    private static long ApproximateBytes(ParametersLiteral parms, PublicKey? publicKey, RelinKeys? relinKeys, GaloisKeys? galoisKeys)
    {
        var n = (long)parms.PolyModulusDegree;
        var primes = (long)parms.CoefficientPrimes.Count;
        var onePair = 2 * n * primes * sizeof(ulong);
        var decomposition = Math.Max(1, primes - 1);
        var keys = (publicKey is null ? 0 : 1)
            + (relinKeys is null ? 0 : decomposition)
            + ((galoisKeys?.GaloisElements.LongCount() ?? 0) * decomposition);
        // Plus the context's NTT tables and per-level data, roughly four polynomials' worth.
        return (keys * onePair) + (4 * n * primes * sizeof(ulong));
    }
}
