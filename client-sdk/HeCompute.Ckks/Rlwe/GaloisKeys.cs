namespace HeCompute.Ckks;

/// <summary>
/// Galois keys (SEALNet's <c>GaloisKeys</c>): for each Galois element g, the key that switches s(X^g) back to s. Stored
/// in N entries indexed (g − 1) / 2, most of them empty.
/// </summary>
public sealed class GaloisKeys : KSwitchKeys
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
    public static ulong GetIndex(uint galoisElt) =>
        (galoisElt & 1) == 0 ? throw new ArgumentException($"Galois element {galoisElt} is not odd.", nameof(galoisElt)) : (galoisElt - 1UL) >> 1;

    /// <summary>Whether the key for this Galois element is present.</summary>
    public bool HasKey(uint galoisElt)
    {
        var index = GetIndex(galoisElt);
        return index < (ulong)EntryCount && Entry((int)index).Length > 0;
    }

    /// <summary>The key for a Galois element.</summary>
    public IEnumerable<PublicKey> Key(uint galoisElt) => KeyParts(galoisElt);

    internal PublicKey[] KeyParts(uint galoisElt) =>
        HasKey(galoisElt) ? Entry((int)GetIndex(galoisElt)) : throw new MissingKeyException($"No Galois key for element {galoisElt}.");

    /// <summary>The Galois elements that have keys.</summary>
    public IEnumerable<uint> GaloisElements
    {
        get
        {
            for (var i = 0; i < EntryCount; i++)
            {
                if (Entry(i).Length > 0)
                {
                    yield return (uint)((2 * i) + 1);
                }
            }
        }
    }
}
