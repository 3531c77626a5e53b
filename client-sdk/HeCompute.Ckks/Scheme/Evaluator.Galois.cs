using System.Buffers;
using HeCompute.Ckks.Ring;
using HeCompute.Ckks.Rlwe;

namespace HeCompute.Ckks;

public sealed partial class Evaluator
{
    /// <summary>Rotates the slot vector left by <paramref name="steps"/> (right if negative) with the matching Galois key.</summary>
    public void RotateVectorInplace(Ciphertext encrypted, int steps, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null)
    {
        if (steps == 0)
        {
            Validate(encrypted, nameof(encrypted));
            return;
        }

        ApplyGaloisInplace(encrypted, GaloisTool.GetEltFromStep(steps, _context.KeyContextData.N), galoisKeys);
    }

    /// <summary>destination = encrypted rotated by <paramref name="steps"/>.</summary>
    public void RotateVector(Ciphertext encrypted, int steps, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        OutOfPlace(encrypted, destination, d => RotateVectorInplace(d, steps, galoisKeys));

    /// <summary>Conjugates every slot.</summary>
    public void ComplexConjugateInplace(Ciphertext encrypted, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null) =>
        ApplyGaloisInplace(encrypted, GaloisTool.GetEltFromStep(0, _context.KeyContextData.N), galoisKeys);

    /// <summary>destination = conjugate of encrypted.</summary>
    public void ComplexConjugate(Ciphertext encrypted, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        OutOfPlace(encrypted, destination, d => ComplexConjugateInplace(d, galoisKeys));

    /// <summary>Applies the automorphism X → X^galoisElt to a size-2 ciphertext and switches the key back to s.</summary>
    public void ApplyGaloisInplace(Ciphertext encrypted, uint galoisElt, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null)
    {
        var level = Validate(encrypted, nameof(encrypted));
        ArgumentNullException.ThrowIfNull(galoisKeys);
        RequireKeySwitching(galoisKeys);
        GaloisTool.Validate(galoisElt, level.N);
        if (encrypted.Size != 2)
        {
            throw new InvalidOperandException($"Galois automorphisms need a size-2 ciphertext; this one has size {encrypted.Size}. Relinearize first.");
        }

        if (!galoisKeys.HasKey(galoisElt))
        {
            throw new MissingKeyException($"No Galois key for element {galoisElt}; generate keys for the rotation steps this circuit uses.");
        }

        var n = level.N;
        var k = level.CoeffModulusSize;
        var words = n * k;
        var rented = ArrayPool<ulong>.Shared.Rent(words);
        try
        {
            Memory<ulong> rotatedC1 = rented.AsMemory(0, words);
            var data = encrypted.DataMemory;
            LimbParallel.For(k, n, j =>
            {
                var span = data.Span;
                var temp = ArrayPool<ulong>.Shared.Rent(n);
                try
                {
                    var c0 = span.Slice(j * n, n);
                    PolyArith.PermuteGaloisNtt(c0, temp.AsSpan(0, n), galoisElt, level.LogN);
                    temp.AsSpan(0, n).CopyTo(c0);
                    PolyArith.PermuteGaloisNtt(span.Slice(words + (j * n), n), rotatedC1.Span.Slice(j * n, n), galoisElt, level.LogN);
                }
                finally
                {
                    ArrayPool<ulong>.Shared.Return(temp);
                }
            });

            data.Span.Slice(words, words).Clear();
            KeySwitcher.SwitchKeyAdd(rotatedC1, galoisKeys.KeyParts(galoisElt), _context.KeyContextData, level, data[..words], data.Slice(words, words));
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>destination = encrypted under the automorphism X → X^galoisElt.</summary>
    public void ApplyGalois(Ciphertext encrypted, uint galoisElt, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        OutOfPlace(encrypted, destination, d => ApplyGaloisInplace(d, galoisElt, galoisKeys));
}
