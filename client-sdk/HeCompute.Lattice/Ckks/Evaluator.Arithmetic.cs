using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

public sealed partial class Evaluator
{
    /// <summary>encrypted = −encrypted.</summary>
    public void NegateInplace(Ciphertext encrypted)
    {
        var level = Validate(encrypted, nameof(encrypted));
        for (var p = 0; p < (int)encrypted.Size; p++)
        {
            for (var j = 0; j < level.CoeffModulusSize; j++)
            {
                var limb = encrypted.Limb(p, j);
                PolyArith.NegateMod(limb, limb, level.Moduli[j]);
            }
        }
    }

    /// <summary>destination = −encrypted.</summary>
    public void Negate(Ciphertext encrypted, Ciphertext destination) => OutOfPlace(encrypted, destination, NegateInplace);

    /// <summary>encrypted1 += encrypted2.</summary>
    public void AddInplace(Ciphertext encrypted1, Ciphertext encrypted2) => AddOrSub(encrypted1, encrypted2, subtract: false);

    /// <summary>destination = encrypted1 + encrypted2.</summary>
    public void Add(Ciphertext encrypted1, Ciphertext encrypted2, Ciphertext destination) =>
        OutOfPlace(encrypted1, destination, d => AddInplace(d, ReferenceEquals(encrypted2, destination) ? encrypted1 : encrypted2));

    /// <summary>destination = the sum of all operands.</summary>
    public void AddMany(IEnumerable<Ciphertext> encrypteds, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(encrypteds);
        ArgumentNullException.ThrowIfNull(destination);
        var list = encrypteds.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one ciphertext is required.", nameof(encrypteds));
        }

        var sum = new Ciphertext(list[0]);
        for (var i = 1; i < list.Count; i++)
        {
            AddInplace(sum, list[i]);
        }

        destination.Set(sum);
    }

    /// <summary>encrypted1 −= encrypted2.</summary>
    public void SubInplace(Ciphertext encrypted1, Ciphertext encrypted2) => AddOrSub(encrypted1, encrypted2, subtract: true);

    /// <summary>destination = encrypted1 − encrypted2.</summary>
    public void Sub(Ciphertext encrypted1, Ciphertext encrypted2, Ciphertext destination)
    {
        if (ReferenceEquals(encrypted2, destination))
        {
            NegateInplace(destination);
            AddInplace(destination, encrypted1);
            return;
        }

        OutOfPlace(encrypted1, destination, d => SubInplace(d, encrypted2));
    }

    private void AddOrSub(Ciphertext encrypted1, Ciphertext encrypted2, bool subtract)
    {
        var level = Validate(encrypted1, nameof(encrypted1));
        Validate(encrypted2, nameof(encrypted2));
        var what = subtract ? "Sub" : "Add";
        RequireSameLevel(encrypted1.ParmsId, encrypted2.ParmsId, what);
        RequireSameScale(encrypted1.Scale, encrypted2.Scale, what);
        var size1 = (int)encrypted1.Size;
        var size2 = (int)encrypted2.Size;
        if (size2 > size1)
        {
            encrypted1.Resize(level, (ulong)size2);
        }

        var common = Math.Min(size1, size2);
        for (var p = 0; p < size2; p++)
        {
            for (var j = 0; j < level.CoeffModulusSize; j++)
            {
                var q = level.Moduli[j];
                var a = encrypted1.Limb(p, j);
                var b = encrypted2.Limb(p, j);
                if (p >= common)
                {
                    // encrypted1 had no polynomial here: it is zero.
                    if (subtract)
                    {
                        PolyArith.NegateMod(b, a, q);
                    }
                    else
                    {
                        b.CopyTo(a);
                    }
                }
                else if (subtract)
                {
                    PolyArith.SubMod(a, b, a, q);
                }
                else
                {
                    PolyArith.AddMod(a, b, a, q);
                }
            }
        }

        if (subtract)
        {
            ThrowIfTransparent(encrypted1, "Sub");
        }
    }

    /// <summary>encrypted += plain.</summary>
    public void AddPlainInplace(Ciphertext encrypted, Plaintext plain) => AddOrSubPlain(encrypted, plain, subtract: false);

    /// <summary>destination = encrypted + plain.</summary>
    public void AddPlain(Ciphertext encrypted, Plaintext plain, Ciphertext destination) =>
        OutOfPlace(encrypted, destination, d => AddPlainInplace(d, plain));

    /// <summary>encrypted −= plain.</summary>
    public void SubPlainInplace(Ciphertext encrypted, Plaintext plain) => AddOrSubPlain(encrypted, plain, subtract: true);

    /// <summary>destination = encrypted − plain.</summary>
    public void SubPlain(Ciphertext encrypted, Plaintext plain, Ciphertext destination) =>
        OutOfPlace(encrypted, destination, d => SubPlainInplace(d, plain));

    private void AddOrSubPlain(Ciphertext encrypted, Plaintext plain, bool subtract)
    {
        var level = Validate(encrypted, nameof(encrypted));
        Validate(plain, nameof(plain));
        var what = subtract ? "SubPlain" : "AddPlain";
        RequireSameLevel(encrypted.ParmsId, plain.ParmsId, what);
        RequireSameScale(encrypted.Scale, plain.Scale, what);
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            var c0 = encrypted.Limb(0, j);
            var m = plain.Limb(j, level.N);
            if (subtract)
            {
                PolyArith.SubMod(c0, m, c0, level.Moduli[j]);
            }
            else
            {
                PolyArith.AddMod(c0, m, c0, level.Moduli[j]);
            }
        }
    }

    /// <summary>encrypted ×= plain; the scales multiply.</summary>
    public void MultiplyPlainInplace(Ciphertext encrypted, Plaintext plain)
    {
        var level = Validate(encrypted, nameof(encrypted));
        Validate(plain, nameof(plain));
        RequireSameLevel(encrypted.ParmsId, plain.ParmsId, "MultiplyPlain");
        var scale = encrypted.Scale * plain.Scale;
        RequireScaleInBounds(scale, level, "MultiplyPlain");
        for (var p = 0; p < (int)encrypted.Size; p++)
        {
            for (var j = 0; j < level.CoeffModulusSize; j++)
            {
                var limb = encrypted.Limb(p, j);
                PolyArith.MultiplyMod(limb, plain.Limb(j, level.N), limb, level.Moduli[j]);
            }
        }

        encrypted.Scale = scale;
        ThrowIfTransparent(encrypted, "MultiplyPlain");
    }

    /// <summary>destination = encrypted × plain.</summary>
    public void MultiplyPlain(Ciphertext encrypted, Plaintext plain, Ciphertext destination) =>
        OutOfPlace(encrypted, destination, d => MultiplyPlainInplace(d, plain));

    private static void OutOfPlace(Ciphertext source, Ciphertext destination, Action<Ciphertext> inplace)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        destination.Set(source);
        inplace(destination);
    }
}
