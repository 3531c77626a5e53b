using System.Buffers;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

public sealed partial class Evaluator
{
    /// <summary>Rotates the slot vector left by <paramref name="steps"/> (right if negative) with the matching Galois key.</summary>
    /// <exception cref="MissingKeyException"><paramref name="keys"/> has no key for the step.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the key switch.</exception>
    public void RotateVectorInplace(Ciphertext encrypted, int steps, IEvaluationKeySet keys, CancellationToken cancellationToken = default)
    {
        var level = Validate(encrypted, nameof(encrypted));
        if (steps == 0)
        {
            return;
        }

        var element = GaloisElements.FromStep(steps, level.N);
        ApplyGaloisCore(encrypted, level, element, RequireGaloisKey(keys, element, $"rotation step {steps} (Galois element {element})"), cancellationToken);
    }

    /// <summary>destination = encrypted rotated by <paramref name="steps"/>.</summary>
    public void RotateVector(Ciphertext encrypted, int steps, IEvaluationKeySet keys, Ciphertext destination, CancellationToken cancellationToken = default) =>
        OutOfPlace(encrypted, destination, d => RotateVectorInplace(d, steps, keys, cancellationToken));

    /// <summary>Conjugates every slot.</summary>
    public void ComplexConjugateInplace(Ciphertext encrypted, IEvaluationKeySet keys, CancellationToken cancellationToken = default)
    {
        var level = Validate(encrypted, nameof(encrypted));
        var element = GaloisElements.FromStep(0, level.N);
        ApplyGaloisCore(encrypted, level, element, RequireGaloisKey(keys, element, $"conjugation (Galois element {element})"), cancellationToken);
    }

    /// <summary>destination = conjugate of encrypted.</summary>
    public void ComplexConjugate(Ciphertext encrypted, IEvaluationKeySet keys, Ciphertext destination, CancellationToken cancellationToken = default) =>
        OutOfPlace(encrypted, destination, d => ComplexConjugateInplace(d, keys, cancellationToken));

    /// <summary>Applies the automorphism X → X^galoisElement to a size-2 ciphertext and switches the key back to s.</summary>
    /// <exception cref="MissingKeyException"><paramref name="keys"/> has no key for the element.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the key switch.</exception>
    public void ApplyGaloisInplace(Ciphertext encrypted, uint galoisElement, IEvaluationKeySet keys, CancellationToken cancellationToken = default)
    {
        var level = Validate(encrypted, nameof(encrypted));
        GaloisElements.Validate(galoisElement, level.N);
        ApplyGaloisCore(encrypted, level, galoisElement, RequireGaloisKey(keys, galoisElement, $"Galois element {galoisElement}"), cancellationToken);
    }

    /// <summary>destination = encrypted under the automorphism X → X^galoisElement.</summary>
    public void ApplyGalois(Ciphertext encrypted, uint galoisElement, IEvaluationKeySet keys, Ciphertext destination, CancellationToken cancellationToken = default) =>
        OutOfPlace(encrypted, destination, d => ApplyGaloisInplace(d, galoisElement, keys, cancellationToken));

    private SwitchingKey RequireGaloisKey(IEvaluationKeySet keys, uint element, string what)
    {
        ArgumentNullException.ThrowIfNull(keys);
        RequireKeySwitching();
        if (!keys.TryGetGaloisKey(element, out var key))
        {
            throw new MissingKeyException($"No Galois key for {what}; generate keys for the rotation steps this circuit uses.");
        }

        RequireKeyLevel(key);
        return key;
    }

    private void ApplyGaloisCore(Ciphertext encrypted, Level level, uint galoisElt, SwitchingKey key, CancellationToken cancellationToken)
    {
        if (encrypted.Size != 2)
        {
            throw new InvalidOperandException($"Galois automorphisms need a size-2 ciphertext; this one has size {encrypted.Size}. Relinearize first.");
        }

        cancellationToken.ThrowIfCancellationRequested();
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
            KeySwitcher.SwitchKeyAdd(rotatedC1, key, _parameters.KeyLevel, level, data[..words], data.Slice(words, words));
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Rotates by every step in <paramref name="steps"/>, sharing one key-switching decomposition of c1 across all
    /// of them (hoisting): each extra rotation costs an inner product and a mod-down instead of a full key switch.
    /// destinations[i] receives the rotation by steps[i]; missing list entries are added.
    /// </summary>
    /// <exception cref="MissingKeyException"><paramref name="keys"/> lacks the key of a step (checked before any work).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; checked before every key switch.</exception>
    public void RotateVectorHoisted(Ciphertext encrypted, IReadOnlyList<int> steps, IEvaluationKeySet keys, IList<Ciphertext> destinations, CancellationToken cancellationToken = default)
    {
        var level = Validate(encrypted, nameof(encrypted));
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(destinations);
        if (encrypted.Size != 2)
        {
            throw new InvalidOperandException($"Rotations need a size-2 ciphertext; this one has size {encrypted.Size}. Relinearize first.");
        }

        var elements = new uint[steps.Count];
        var stepKeys = new SwitchingKey?[steps.Count];
        for (var s = 0; s < steps.Count; s++)
        {
            elements[s] = steps[s] == 0 ? 0 : GaloisElements.FromStep(steps[s], level.N);
            if (elements[s] != 0)
            {
                stepKeys[s] = RequireGaloisKey(keys, elements[s], $"rotation step {steps[s]} (Galois element {elements[s]})");
            }
        }

        while (destinations.Count < steps.Count)
        {
            destinations.Add(new Ciphertext());
        }

        var n = level.N;
        var k = level.CoeffModulusSize;
        var words = n * k;
        var digits = ArrayPool<ulong>.Shared.Rent(KeySwitcher.DecomposedWords(level));
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            KeySwitcher.Decompose(encrypted.DataMemory.Slice(words, words), _parameters.KeyLevel, level, digits);
            for (var s = 0; s < steps.Count; s++)
            {
                var destination = destinations[s];
                if (ReferenceEquals(destination, encrypted))
                {
                    throw new ArgumentException("A destination must not be the rotated ciphertext itself.", nameof(destinations));
                }

                if (elements[s] == 0)
                {
                    destination.Set(encrypted);
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                destination.Resize(level, 2);
                destination.Scale = encrypted.Scale;
                destination.IsNTTForm = true;
                var data = destination.DataMemory;
                for (var j = 0; j < k; j++)
                {
                    PolyArith.PermuteGaloisNtt(encrypted.Limb(0, j), destination.Limb(0, j), elements[s], level.LogN);
                }

                data.Span.Slice(words, words).Clear();
                KeySwitcher.InnerProductModDownAdd(digits, stepKeys[s]!, elements[s], _parameters.KeyLevel, level, data[..words], data.Slice(words, words));
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(digits);
        }
    }
}
