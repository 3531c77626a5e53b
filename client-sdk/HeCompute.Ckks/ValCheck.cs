namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>ValCheck</c>: whether an object is valid for a context, with SEAL's rules (its <c>is_valid_for</c>):
/// the metadata matches a level of the context's chain, the storage has exactly the size the metadata says, and every
/// coefficient is below its prime. A CKKS plaintext that is not in NTT form is valid only when it has no coefficients,
/// since SEAL checks its coefficients against the plain modulus, which is 0 for CKKS.
/// </summary>
public static class ValCheck
{
    /// <summary>Whether <paramref name="plaintext"/> is valid for <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">An argument is disposed.</exception>
    public static bool IsValidFor(Plaintext plaintext, SEALContext context)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposedHandle();
        return IsValid(plaintext.Core, context, allowKeyLevel: false);
    }

    /// <summary>Whether <paramref name="ciphertext"/> is valid for <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">An argument is disposed.</exception>
    public static bool IsValidFor(Ciphertext ciphertext, SEALContext context)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposedHandle();
        return IsValid(ciphertext.Core, context, allowKeyLevel: false);
    }

    /// <summary>Whether <paramref name="secretKey"/> is valid for <paramref name="context"/>: an NTT-form plaintext at the key level.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">An argument is disposed.</exception>
    public static bool IsValidFor(SecretKey secretKey, SEALContext context)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposedHandle();
        var data = secretKey.Core.Data;
        return context.CoreParameters is { } parameters && data.ParmsId == parameters.KeyParmsId && IsValid(data, context, allowKeyLevel: true);
    }

    /// <summary>Whether <paramref name="publicKey"/> is valid for <paramref name="context"/>: a size-2 NTT-form ciphertext at the key level.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">An argument is disposed.</exception>
    public static bool IsValidFor(PublicKey publicKey, SEALContext context)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposedHandle();
        return IsValidKey(publicKey.Core, context);
    }

    /// <summary>Whether every key of <paramref name="kswitchKeys"/> is a valid public key at the key level of <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">An argument is disposed.</exception>
    public static bool IsValidFor(KSwitchKeys kswitchKeys, SEALContext context)
    {
        ArgumentNullException.ThrowIfNull(kswitchKeys);
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposedHandle();
        var keys = kswitchKeys.CoreKeys;
        if (context.CoreParameters is not { } parameters || keys.ParmsId != parameters.KeyParmsId)
        {
            return false;
        }

        foreach (var entry in keys.Entries)
        {
            foreach (var part in entry.Keys)
            {
                if (!IsValidKey(part, context))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="relinKeys"/> are valid for <paramref name="context"/>, as <see cref="IsValidFor(KSwitchKeys, SEALContext)"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">An argument is disposed.</exception>
    public static bool IsValidFor(RelinKeys relinKeys, SEALContext context) => IsValidFor((KSwitchKeys)relinKeys, context);

    /// <summary>Whether <paramref name="galoisKeys"/> are valid for <paramref name="context"/>, as <see cref="IsValidFor(KSwitchKeys, SEALContext)"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">An argument is disposed.</exception>
    public static bool IsValidFor(GaloisKeys galoisKeys, SEALContext context) => IsValidFor((KSwitchKeys)galoisKeys, context);

    /// <summary>
    /// SEAL's metadata check of a ciphertext: its parms_id is a level of the context's chain (the key level only where
    /// allowed), its shape is that level's, its size is 0 or 2 to 16, and its scale is positive and normal.
    /// </summary>
    internal static Rlwe.Level? MetadataLevel(Rlwe.Ciphertext ct, SEALContext context, bool allowKeyLevel)
    {
        if (context.CoreParameters is not { } parameters || context.GetContextData(ct.ParmsId)?.Level is not { } level)
        {
            return null;
        }

        if (!allowKeyLevel && level == parameters.KeyLevel && level != parameters.FirstLevel)
        {
            return null;
        }

        var sizeValid = ct.Size == 0 || ct.Size is >= Rlwe.Ciphertext.SizeMin and <= Rlwe.Ciphertext.SizeMax;
        var shapeValid = ct.PolyModulusDegree == (ulong)level.PolyModulusDegree && ct.CoeffModulusSize == (ulong)level.PrimeCount;
        return sizeValid && shapeValid && double.IsNormal(ct.Scale) && ct.Scale > 0 && ct.CorrectionFactor == 1 ? level : null;
    }

    private static bool IsValid(Rlwe.Ciphertext ct, SEALContext context, bool allowKeyLevel)
    {
        if (MetadataLevel(ct, context, allowKeyLevel) is not { } level)
        {
            return false;
        }

        for (var poly = 0; poly < (int)ct.Size; poly++)
        {
            for (var prime = 0; prime < level.PrimeCount; prime++)
            {
                if (!AllBelow(ct.Limb(poly, prime), level.Primes[prime]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    internal static bool IsValid(Rlwe.Plaintext plain, SEALContext context, bool allowKeyLevel)
    {
        if (context.CoreParameters is not { } parameters)
        {
            return false;
        }

        if (!plain.IsNTTForm)
        {
            return plain.CoeffCount == 0;
        }

        if (context.GetContextData(plain.ParmsId)?.Level is not { } level
            || (!allowKeyLevel && level == parameters.KeyLevel && level != parameters.FirstLevel)
            || plain.CoeffCount != (ulong)(level.PolyModulusDegree * level.PrimeCount))
        {
            return false;
        }

        for (var prime = 0; prime < level.PrimeCount; prime++)
        {
            if (!AllBelow(plain.Limb(prime, level.PolyModulusDegree), level.Primes[prime]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidKey(Rlwe.PublicKey key, SEALContext context) =>
        context.CoreParameters is { } parameters && key.ParmsId == parameters.KeyParmsId && key.Data.IsNTTForm && key.Data.Size == 2
        && IsValid(key.Data, context, allowKeyLevel: true);

    private static bool AllBelow(ReadOnlySpan<ulong> values, ulong bound)
    {
        foreach (var value in values)
        {
            if (value >= bound)
            {
                return false;
            }
        }

        return true;
    }
}
