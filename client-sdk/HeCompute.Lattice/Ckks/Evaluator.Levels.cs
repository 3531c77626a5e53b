using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

public sealed partial class Evaluator
{
    /// <summary>
    /// Divides the message by the last prime q_last with rounding and drops that prime: the scale becomes
    /// scale / q_last. This is CKKS's rescale.
    /// </summary>
    public void RescaleToNextInplace(Ciphertext encrypted)
    {
        var level = Validate(encrypted, nameof(encrypted));
        var next = level.Next ?? throw new InvalidOperandException("End of the modulus switching chain reached: nothing left to rescale by.");
        var n = level.N;
        var last = level.CoeffModulusSize - 1;
        var lastModulus = level.Moduli[last];
        var half = lastModulus.Value >> 1;
        var size = (int)encrypted.Size;
        var data = encrypted.DataMemory;
        var k = level.CoeffModulusSize;
        for (var p = 0; p < size; p++)
        {
            var lastLimb = data.Slice(((p * k) + last) * n, n);
            level.Ntt[last].Inverse(lastLimb.Span);
            // Adding q_last/2 before the exact division turns flooring into rounding to nearest.
            PolyArith.AddScalarMod(lastLimb.Span, half, lastLimb.Span, lastModulus);
            var poly = p;
            LimbParallel.For(last, n, i =>
            {
                var q = level.Moduli[i];
                var temp = System.Buffers.ArrayPool<ulong>.Shared.Rent(n);
                try
                {
                    var tempSpan = temp.AsSpan(0, n);
                    PolyArith.ReduceMod(lastLimb.Span, tempSpan, q);
                    PolyArith.AddScalarMod(tempSpan, ModArith.Negate(q.Reduce(half), q), tempSpan, q);
                    level.Ntt[i].Forward(tempSpan);
                    var limb = data.Span.Slice(((poly * k) + i) * n, n);
                    PolyArith.SubMod(limb, tempSpan, limb, q);
                    PolyArith.MultiplyScalarMod(limb, level.InvLastModulus[i], limb, q);
                }
                finally
                {
                    System.Buffers.ArrayPool<ulong>.Shared.Return(temp);
                }
            });
        }

        DropLastPrimes(encrypted, level, next);
        encrypted.Scale /= lastModulus.Value;
    }

    /// <summary>destination = rescaled encrypted.</summary>
    public void RescaleToNext(Ciphertext encrypted, Ciphertext destination) => OutOfPlace(encrypted, destination, d => RescaleToNextInplace(d));

    /// <summary>Rescales repeatedly until the ciphertext reaches the level <paramref name="parmsId"/>.</summary>
    public void RescaleToInplace(Ciphertext encrypted, ParmsId parmsId)
    {
        var target = ValidateTarget(encrypted, parmsId, "RescaleTo");
        while (encrypted.ParmsId != target.ParmsId)
        {
            RescaleToNextInplace(encrypted);
        }
    }

    /// <summary>destination = encrypted rescaled down to the level <paramref name="parmsId"/>.</summary>
    public void RescaleTo(Ciphertext encrypted, ParmsId parmsId, Ciphertext destination) =>
        OutOfPlace(encrypted, destination, d => RescaleToInplace(d, parmsId));

    /// <summary>Drops the last prime without changing the message or the scale (CKKS modulus switching).</summary>
    public void ModSwitchToNextInplace(Ciphertext encrypted)
    {
        var level = Validate(encrypted, nameof(encrypted));
        var next = level.Next ?? throw new InvalidOperandException("End of the modulus switching chain reached.");
        DropLastPrimes(encrypted, level, next);
    }

    /// <summary>destination = encrypted at the next level.</summary>
    public void ModSwitchToNext(Ciphertext encrypted, Ciphertext destination) => OutOfPlace(encrypted, destination, d => ModSwitchToNextInplace(d));

    /// <summary>Drops primes until the ciphertext is at the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchToInplace(Ciphertext encrypted, ParmsId parmsId)
    {
        var level = Validate(encrypted, nameof(encrypted));
        var target = ValidateTarget(encrypted, parmsId, "ModSwitchTo");
        if (target != level)
        {
            DropLastPrimes(encrypted, level, target);
        }
    }

    /// <summary>destination = encrypted at the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchTo(Ciphertext encrypted, ParmsId parmsId, Ciphertext destination) =>
        OutOfPlace(encrypted, destination, d => ModSwitchToInplace(d, parmsId));

    /// <summary>Drops the plaintext's last prime.</summary>
    public void ModSwitchToNextInplace(Plaintext plain)
    {
        var level = Validate(plain, nameof(plain));
        var next = level.Next ?? throw new InvalidOperandException("End of the modulus switching chain reached.");
        TruncatePlain(plain, next);
    }

    /// <summary>destination = plain at the next level.</summary>
    public void ModSwitchToNext(Plaintext plain, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(destination);
        CopyPlain(plain, destination);
        ModSwitchToNextInplace(destination);
    }

    /// <summary>Drops the plaintext's primes down to the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchToInplace(Plaintext plain, ParmsId parmsId)
    {
        var level = Validate(plain, nameof(plain));
        var target = _parameters.RequireLevel(parmsId, "The target level");
        if (target.ChainIndex > level.ChainIndex)
        {
            throw new InvalidOperandException("Cannot switch to a higher level.");
        }

        TruncatePlain(plain, target);
    }

    /// <summary>destination = plain at the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchTo(Plaintext plain, ParmsId parmsId, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(destination);
        CopyPlain(plain, destination);
        ModSwitchToInplace(destination, parmsId);
    }

    private static void CopyPlain(Plaintext source, Plaintext destination)
    {
        if (ReferenceEquals(source, destination))
        {
            return;
        }

        destination.Resize(source.CoeffCount);
        source.Data.CopyTo(destination.Data);
        destination.ParmsId = source.ParmsId;
        destination.Scale = source.Scale;
    }

    private static void TruncatePlain(Plaintext plain, Level target)
    {
        plain.Resize((ulong)(target.N * target.CoeffModulusSize));
        plain.ParmsId = target.ParmsId;
    }

    private Level ValidateTarget(Ciphertext encrypted, ParmsId parmsId, string what)
    {
        var level = Validate(encrypted, nameof(encrypted));
        var target = _parameters.RequireLevel(parmsId, $"{what}: the target level");
        if (target.ChainIndex > level.ChainIndex)
        {
            throw new InvalidOperandException($"{what}: cannot switch to a higher level.");
        }

        if (target == _parameters.KeyLevel && _parameters.KeyLevel != _parameters.FirstLevel)
        {
            throw new InvalidOperandException($"{what}: the key level holds keys only.");
        }

        return target;
    }

    /// <summary>Keeps the first primes of every polynomial, moving them together (the layout is polynomial-major).</summary>
    private static void DropLastPrimes(Ciphertext encrypted, Level level, Level target)
    {
        var n = level.N;
        var size = (int)encrypted.Size;
        var oldK = level.CoeffModulusSize;
        var newK = target.CoeffModulusSize;
        var data = encrypted.DataMemory.Span;
        for (var p = 1; p < size; p++)
        {
            data.Slice(p * oldK * n, newK * n).CopyTo(data.Slice(p * newK * n, newK * n));
        }

        encrypted.ShrinkLevel(target);
    }
}
