namespace HeCompute.Bench;

/// <summary>
/// Microsoft SEAL 4.4.3 native figures from /work/shared/anchors.md (median µs per call, single thread, 2 vCPU
/// AMD EPYC with AVX-512 at 2.1 GHz): typed in so the comparison needs no network and no native build.
/// </summary>
/// <param name="Native8192">Native SEAL at N=8192, µs.</param>
/// <param name="Native16384">Native SEAL at N=16384, µs.</param>
/// <param name="NodeSeal8192">node-seal 7.0.0 on Node 24 at N=8192 as the anchors recorded it, µs.</param>
/// <param name="NodeSeal16384">node-seal 7.0.0 on Node 24 at N=16384 as the anchors recorded it, µs.</param>
public sealed record Anchor(double? Native8192, double? Native16384, double? NodeSeal8192 = null, double? NodeSeal16384 = null)
{
    /// <summary>Native figure for a ring degree, if the anchors have one.</summary>
    public double? Native(int n) => n == 8192 ? Native8192 : n == 16384 ? Native16384 : null;

    /// <summary>node-seal figure from the anchors for a ring degree, if any.</summary>
    public double? NodeSeal(int n) => n == 8192 ? NodeSeal8192 : n == 16384 ? NodeSeal16384 : null;
}

/// <summary>One measured operation: a stable key (also the node-seal runner's op name), a label, and its body.</summary>
/// <param name="Key">Stable snake_case name, matched against the node-seal runner's output.</param>
/// <param name="Label">Row label of the comparison table (the anchors' wording).</param>
/// <param name="Anchor">The anchors' figures.</param>
public abstract record OpSpec(string Key, string Label, Anchor Anchor);

/// <summary>A CKKS operation run on a <see cref="CkksFixture"/>.</summary>
public sealed record CkksOp(string Key, string Label, Anchor Anchor, Action<CkksFixture> Run) : OpSpec(Key, Label, Anchor);

/// <summary>A single-prime NTT operation run on an <see cref="NttFixture"/>.</summary>
public sealed record NttOp(string Key, string Label, Anchor Anchor, Action<NttFixture> Run) : OpSpec(Key, Label, Anchor);

/// <summary>The CKKS operations of the anchors' protocol, in the anchors' order.</summary>
public static class CkksOps
{
    /// <summary>All of them.</summary>
    public static readonly CkksOp[] All =
    [
        new("encode", "encode (N/2 doubles)", new(350, 1928, 675, 2878), f => f.Encode()),
        new("encrypt_public", "encrypt (public key)", new(2745, 10211, 4766, 17881), f => f.EncryptPublic()),
        new("encrypt_secret", "encrypt (secret key)", new(1120, 4648, 1574, 6846), f => f.EncryptSecret()),
        new("decrypt", "decrypt", new(101, 479, 248, 1053), f => f.Decrypt()),
        new("decode", "decode", new(747, 4891, 1190, 7099), f => f.Decode()),
        new("add", "add", new(59, 303, 33, 242), f => f.Add()),
        new("multiply_plain", "multiply_plain", new(125, 647, 390, 2403), f => f.MultiplyPlain()),
        new("multiply", "multiply (no relinearize)", new(285, 1388, 799, 3909), f => f.Multiply()),
        new("relinearize", "relinearize", new(1861, 14356), f => f.Relinearize()),
        new("multiply_relinearize", "multiply + relinearize", new(2153, 15696, 4754, 33548), f => f.MultiplyRelinearize()),
        new("rescale_to_next", "rescale_to_next", new(452, 2470, 949, 5376), f => f.RescaleToNext()),
        new("rotate_vector_1", "rotate_vector(1)", new(1885, 14612, 3960, 30631), f => f.RotateVector1()),
        new("complex_conjugate", "complex_conjugate", new(1836, 14353), f => f.ComplexConjugate()),
    ];
}

/// <summary>Single-prime NTT operations; the native figures are SEAL's own NTT benchmark.</summary>
public static class NttOps
{
    /// <summary>All of them.</summary>
    public static readonly NttOp[] All =
    [
        new("ntt_forward", "NTT forward (60-bit prime)", new(109, 241), f => f.Forward()),
        new("ntt_forward_lazy", "NTT forward lazy (60-bit prime)", new(64, 152), f => f.ForwardLazy()),
        new("ntt_inverse", "NTT inverse (60-bit prime)", new(73, 175), f => f.Inverse()),
    ];
}
