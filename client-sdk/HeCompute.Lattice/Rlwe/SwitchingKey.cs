namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// One key-switching key (an entry of <see cref="KSwitchKeys"/>): one <see cref="PublicKey"/> per data prime, part j
/// encrypting [P mod q_j]·s′ in RNS slot j under s, where P is the special prime. Switches a ciphertext under s′
/// (s² for relinearization, s(X^g) for a Galois element g) back to s.
/// </summary>
public sealed class SwitchingKey
{
    internal static readonly SwitchingKey Empty = new([]);

    internal SwitchingKey(PublicKey[] parts) => Parts = parts;

    /// <summary>The parts, one per data prime (none for an absent key).</summary>
    public IReadOnlyList<PublicKey> Keys => Parts;

    /// <summary>Number of parts (data primes covered); 0 for an absent key.</summary>
    public int PartCount => Parts.Length;

    /// <summary>The key level's parms_id (zero for an absent key).</summary>
    public ParmsId ParmsId => Parts.Length == 0 ? ParmsId.Zero : Parts[0].ParmsId;

    internal PublicKey[] Parts { get; }
}
