using System.Buffers;
using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

public sealed partial class Evaluator
{
    /// <summary>encrypted1 ×= encrypted2 (size grows to size1 + size2 − 1; relinearize after); the scales multiply.</summary>
    public void MultiplyInplace(Ciphertext encrypted1, Ciphertext encrypted2)
    {
        var level = Validate(encrypted1, nameof(encrypted1));
        Validate(encrypted2, nameof(encrypted2));
        RequireSameLevel(encrypted1.ParmsId, encrypted2.ParmsId, "Multiply");
        var scale = encrypted1.Scale * encrypted2.Scale;
        RequireScaleInBounds(scale, level, "Multiply");
        var size1 = (int)encrypted1.Size;
        var size2 = (int)encrypted2.Size;
        var resultSize = size1 + size2 - 1;
        if (resultSize > Ciphertext.SizeMax)
        {
            throw new InvalidOperandException($"Multiply would give size {resultSize}; at most {Ciphertext.SizeMax} is allowed. Relinearize first.");
        }

        var n = level.N;
        var k = level.CoeffModulusSize;
        var words = resultSize * k * n;
        var product = ArrayPool<ulong>.Shared.Rent(words);
        try
        {
            Memory<ulong> result = product.AsMemory(0, words);
            var a = encrypted1;
            var b = encrypted2;
            LimbParallel.For(k, n, j =>
            {
                var q = level.Moduli[j];
                var span = result.Span;
                for (var r = 0; r < resultSize; r++)
                {
                    span.Slice(((r * k) + j) * n, n).Clear();
                }

                for (var x = 0; x < size1; x++)
                {
                    for (var y = 0; y < size2; y++)
                    {
                        PolyArith.MultiplyAddMod(a.Limb(x, j), b.Limb(y, j), span.Slice((((x + y) * k) + j) * n, n), q);
                    }
                }
            });

            encrypted1.Resize(level, (ulong)resultSize);
            result.Span.CopyTo(encrypted1.Data);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(product);
        }

        encrypted1.Scale = scale;
    }

    /// <summary>destination = encrypted1 × encrypted2.</summary>
    public void Multiply(Ciphertext encrypted1, Ciphertext encrypted2, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (ReferenceEquals(encrypted2, destination))
        {
            MultiplyInplace(destination, encrypted1);
            return;
        }

        OutOfPlace(encrypted1, destination, d => MultiplyInplace(d, ReferenceEquals(encrypted1, encrypted2) ? d : encrypted2));
    }

    /// <summary>encrypted = encrypted².</summary>
    public void SquareInplace(Ciphertext encrypted) => MultiplyInplace(encrypted, encrypted);

    /// <summary>destination = encrypted².</summary>
    public void Square(Ciphertext encrypted, Ciphertext destination) => OutOfPlace(encrypted, destination, d => SquareInplace(d));

    /// <summary>Reduces a size-3 ciphertext to size 2 with the relinearization key (s² → s).</summary>
    /// <exception cref="MissingKeyException"><paramref name="keys"/> has no relinearization key.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the key switch.</exception>
    public void RelinearizeInplace(Ciphertext encrypted, IEvaluationKeySet keys, CancellationToken cancellationToken = default)
    {
        var level = Validate(encrypted, nameof(encrypted));
        ArgumentNullException.ThrowIfNull(keys);
        RequireKeySwitching();
        if (encrypted.Size == 2)
        {
            return;
        }

        if (encrypted.Size != 3)
        {
            throw new MissingKeyException($"Relinearizing a size-{encrypted.Size} ciphertext needs keys for higher powers of s; relinearize after every multiplication.");
        }

        var key = keys.RelinearizationKey ?? throw new MissingKeyException("The evaluation keys have no relinearization key (for s²).");
        RequireKeyLevel(key);
        cancellationToken.ThrowIfCancellationRequested();
        var words = level.N * level.CoeffModulusSize;
        var data = encrypted.DataMemory;
        KeySwitcher.SwitchKeyAdd(data.Slice(2 * words, words), key, _parameters.KeyLevel, level, data[..words], data.Slice(words, words));
        encrypted.Resize(level, 2);
    }

    /// <summary>destination = relinearized encrypted.</summary>
    public void Relinearize(Ciphertext encrypted, IEvaluationKeySet keys, Ciphertext destination, CancellationToken cancellationToken = default) =>
        OutOfPlace(encrypted, destination, d => RelinearizeInplace(d, keys, cancellationToken));

    private void RequireKeySwitching()
    {
        if (!_parameters.SupportsKeySwitching)
        {
            throw new InvalidOperationException("These parameters have a single prime, so they do not support key switching.");
        }
    }

    private void RequireKeyLevel(SwitchingKey key)
    {
        if (key.ParmsId != _parameters.KeyParmsId)
        {
            throw new ParmsIdMismatchException("The evaluation keys do not belong to these parameters' key level.");
        }
    }
}
