using System.Diagnostics.CodeAnalysis;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Galois keys, SEAL's <c>GaloisKeys</c> wire object: for each Galois element g, the key that switches s(X^g) back to
/// s. Stored in N entries indexed (g − 1) / 2, most of them empty. On its own it is an evaluation key set with no
/// relinearization key.
/// </summary>
public sealed class GaloisKeys : KSwitchKeys, IEvaluationKeySet
{
    /// <summary>Creates empty keys.</summary>
    public GaloisKeys()
    {
    }

    /// <summary>Copies keys.</summary>
    public GaloisKeys(GaloisKeys copy) : base(copy)
    {
    }

    /// <summary>Entry index of a Galois element.</summary>
    public static int GetIndex(uint galoisElement) =>
        (galoisElement & 1) == 0 ? throw new ArgumentException($"Galois element {galoisElement} is not odd.", nameof(galoisElement)) : (int)((galoisElement - 1UL) >> 1);

    /// <summary>Whether the key for this Galois element is present.</summary>
    public bool HasKey(uint galoisElement) => TryGetKey(galoisElement, out _);

    /// <summary>The key for a Galois element, if present.</summary>
    public bool TryGetKey(uint galoisElement, [NotNullWhen(true)] out SwitchingKey? key)
    {
        key = null;
        if ((galoisElement & 1) == 0)
        {
            return false;
        }

        var index = GetIndex(galoisElement);
        if (index < EntryCount && Entry(index).PartCount > 0)
        {
            key = Entry(index);
        }

        return key is not null;
    }

    /// <inheritdoc/>
    SwitchingKey? IEvaluationKeySet.RelinearizationKey => null;

    /// <inheritdoc/>
    bool IEvaluationKeySet.TryGetGaloisKey(uint galoisElement, [NotNullWhen(true)] out SwitchingKey? key) => TryGetKey(galoisElement, out key);

    /// <summary>The Galois elements that have keys.</summary>
    public IEnumerable<uint> GaloisElements
    {
        get
        {
            for (var i = 0; i < EntryCount; i++)
            {
                if (Entry(i).PartCount > 0)
                {
                    yield return (uint)((2 * i) + 1);
                }
            }
        }
    }
}
