using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>SEALNet's <c>KSwitchKeys</c>, a handle on core <see cref="Rlwe.KSwitchKeys"/>: a list of key-switching keys, each a list of public keys.</summary>
public class KSwitchKeys : SealObject<Rlwe.KSwitchKeys>, ISettable<KSwitchKeys>
{
    /// <summary>Creates empty keys.</summary>
    public KSwitchKeys() : this(new Rlwe.KSwitchKeys())
    {
    }

    /// <summary>Copies keys.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public KSwitchKeys(KSwitchKeys copy) : this(new Rlwe.KSwitchKeys(Unwrap(copy, nameof(copy))))
    {
    }

    /// <summary>Wraps core keys (no copy).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="core"/> is null.</exception>
    public KSwitchKeys(Rlwe.KSwitchKeys core) : base(core)
    {
    }

    /// <summary>The core keys this handle wraps.</summary>
    public Rlwe.KSwitchKeys CoreKeys => Wrapped;

    /// <summary>Makes these keys a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(KSwitchKeys assign) => CoreKeys.Set(Unwrap(assign, nameof(assign)));

    /// <summary>Number of non-empty keys.</summary>
    public ulong Size => (ulong)CoreKeys.Size;

    /// <summary>The key level's parms_id (a copy on get).</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public ParmsId ParmsId
    {
        get => new(CoreKeys.ParmsId);
        set => CoreKeys.ParmsId = ParmsId.Require(value, nameof(value));
    }

    /// <summary>Every key (empty ones included, as SEAL stores them), each as its public-key parts.</summary>
    public IEnumerable<IEnumerable<PublicKey>> Data => CoreKeys.Entries.Select(Parts).ToArray();

    /// <summary>The parts of one key as handles on the core's public keys.</summary>
    internal static IEnumerable<PublicKey> Parts(Rlwe.SwitchingKey key) => key.Keys.Select(part => new PublicKey(part)).ToArray();

    /// <summary>As <see cref="SealObject{TCore}.Load(SEALContext, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not keys of the context.</exception>
    public long Load(SEALContext context, Stream stream, long maxBytes) => SealLoad.Run(() => CoreKeys.Load(LoadParameters(context, stream), stream, maxBytes));
}

/// <summary>SEALNet's <c>RelinKeys</c>, a handle on core <see cref="Rlwe.RelinKeys"/>; key 0 switches s² to s.</summary>
public sealed class RelinKeys : KSwitchKeys, ISettable<RelinKeys>
{
    /// <summary>Creates empty keys.</summary>
    public RelinKeys() : this(new Rlwe.RelinKeys())
    {
    }

    /// <summary>Copies keys.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public RelinKeys(RelinKeys copy) : this(new Rlwe.RelinKeys((copy ?? throw new ArgumentNullException(nameof(copy))).Core))
    {
    }

    /// <summary>Wraps core keys (no copy).</summary>
    public RelinKeys(Rlwe.RelinKeys core) : base(core) => Core = core;

    /// <summary>The core keys this handle wraps (an <see cref="Rlwe.IEvaluationKeySet"/> for the core's evaluator).</summary>
    public Rlwe.RelinKeys Core { get; }

    /// <summary>Makes these keys a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(RelinKeys assign) => Set((KSwitchKeys)assign);

    /// <summary>Index of the key for a power of s (SEAL's convention: power 2 is index 0).</summary>
    /// <exception cref="ArgumentException"><paramref name="keyPower"/> is below 2.</exception>
    public static ulong GetIndex(ulong keyPower) =>
        keyPower < 2 ? throw new ArgumentException("A relinearization key power is at least 2.", nameof(keyPower)) : keyPower - 2;

    /// <summary>Whether the key for this power of s is present (CKKS uses only s²).</summary>
    public bool HasKey(ulong keyPower)
    {
        var index = GetIndex(keyPower);
        return index < (ulong)Core.Entries.Count && Core.Entries[(int)index].PartCount > 0;
    }

    /// <summary>The key for a power of s, as its public-key parts.</summary>
    /// <exception cref="ArgumentException">The key is absent.</exception>
    public IEnumerable<PublicKey> Key(ulong keyPower) => HasKey(keyPower)
        ? Parts(Core.Entries[(int)GetIndex(keyPower)])
        : throw new ArgumentException($"There is no relinearization key for power {keyPower}.", nameof(keyPower));
}

/// <summary>SEALNet's <c>GaloisKeys</c>, a handle on core <see cref="Rlwe.GaloisKeys"/>; one key per Galois element.</summary>
public sealed class GaloisKeys : KSwitchKeys, ISettable<GaloisKeys>
{
    /// <summary>Creates empty keys.</summary>
    public GaloisKeys() : this(new Rlwe.GaloisKeys())
    {
    }

    /// <summary>Copies keys.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public GaloisKeys(GaloisKeys copy) : this(new Rlwe.GaloisKeys((copy ?? throw new ArgumentNullException(nameof(copy))).Core))
    {
    }

    /// <summary>Wraps core keys (no copy).</summary>
    public GaloisKeys(Rlwe.GaloisKeys core) : base(core) => Core = core;

    /// <summary>The core keys this handle wraps (an <see cref="Rlwe.IEvaluationKeySet"/> for the core's evaluator).</summary>
    public Rlwe.GaloisKeys Core { get; }

    /// <summary>Makes these keys a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(GaloisKeys assign) => Set((KSwitchKeys)assign);

    /// <summary>Index of the key for a Galois element: (g − 1) / 2.</summary>
    /// <exception cref="ArgumentException"><paramref name="galoisElt"/> is even.</exception>
    public static ulong GetIndex(uint galoisElt) => (ulong)Rlwe.GaloisKeys.GetIndex(galoisElt);

    /// <summary>Whether the key for this Galois element is present.</summary>
    public bool HasKey(uint galoisElt) => Core.HasKey(galoisElt);

    /// <summary>The key for a Galois element, as its public-key parts.</summary>
    /// <exception cref="ArgumentException">The key is absent.</exception>
    public IEnumerable<PublicKey> Key(uint galoisElt) => Core.TryGetKey(galoisElt, out var key)
        ? Parts(key)
        : throw new ArgumentException($"There is no Galois key for element {galoisElt}.", nameof(galoisElt));

    /// <summary>The Galois elements that have keys.</summary>
    public IEnumerable<uint> GaloisElements => Core.GaloisElements;
}
