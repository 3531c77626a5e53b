namespace HeCompute.Ckks;

/// <summary>Relinearization keys: entry 0 switches s² to s (SEALNet's <c>RelinKeys</c>).</summary>
public sealed class RelinKeys : KSwitchKeys
{
    /// <summary>Creates empty keys.</summary>
    public RelinKeys()
    {
    }

    /// <summary>Copies keys.</summary>
    public RelinKeys(RelinKeys copy) : base(copy)
    {
    }

    /// <summary>Index of the key for s^keyPower (SEAL's convention: power − 2).</summary>
    public static ulong GetIndex(ulong keyPower) =>
        keyPower < 2 ? throw new ArgumentOutOfRangeException(nameof(keyPower), keyPower, "Key powers start at 2.") : keyPower - 2;

    /// <summary>Whether the key for s^keyPower is present.</summary>
    public bool HasKey(ulong keyPower)
    {
        var index = GetIndex(keyPower);
        return index < (ulong)EntryCount && Entry((int)index).Length > 0;
    }

    /// <summary>The key for s^keyPower.</summary>
    public IEnumerable<PublicKey> Key(ulong keyPower) =>
        HasKey(keyPower) ? Entry((int)GetIndex(keyPower)) : throw new MissingKeyException($"No relinearization key for s^{keyPower}.");
}
