using BenchmarkDotNet.Attributes;

namespace HeCompute.Bench;

/// <summary>
/// The anchors' CKKS operations at N=8192 {60,40,40,60} and N=16384 {60,40×6,60}, scale 2^40. Each benchmark is one
/// <see cref="CkksFixture"/> call: inputs and destinations are built in <see cref="Setup"/>, so the allocated bytes
/// reported are the engine's own.
/// </summary>
[MemoryDiagnoser]
public class CkksBenchmarks
{
    private CkksFixture _fixture = null!;

    /// <summary>Ring degree.</summary>
    [Params(8192, 16384)]
    public int N { get; set; }

    /// <summary>Builds context, keys and operands for <see cref="N"/>.</summary>
    [GlobalSetup]
    public void Setup() => _fixture = new CkksFixture(N);

    /// <summary>encode (N/2 doubles).</summary>
    [Benchmark]
    public void Encode() => _fixture.Encode();

    /// <summary>encrypt (public key).</summary>
    [Benchmark]
    public void EncryptPublic() => _fixture.EncryptPublic();

    /// <summary>encrypt (secret key).</summary>
    [Benchmark]
    public void EncryptSecret() => _fixture.EncryptSecret();

    /// <summary>decrypt.</summary>
    [Benchmark]
    public void Decrypt() => _fixture.Decrypt();

    /// <summary>decode.</summary>
    [Benchmark]
    public void Decode() => _fixture.Decode();

    /// <summary>add.</summary>
    [Benchmark]
    public void Add() => _fixture.Add();

    /// <summary>multiply_plain.</summary>
    [Benchmark]
    public void MultiplyPlain() => _fixture.MultiplyPlain();

    /// <summary>multiply (no relinearize).</summary>
    [Benchmark]
    public void Multiply() => _fixture.Multiply();

    /// <summary>relinearize (out of place: the size-3 operand stays intact).</summary>
    [Benchmark]
    public void Relinearize() => _fixture.Relinearize();

    /// <summary>multiply + relinearize.</summary>
    [Benchmark]
    public void MultiplyRelinearize() => _fixture.MultiplyRelinearize();

    /// <summary>rescale_to_next (out of place).</summary>
    [Benchmark]
    public void RescaleToNext() => _fixture.RescaleToNext();

    /// <summary>rotate_vector(1) (out of place).</summary>
    [Benchmark]
    public void RotateVector1() => _fixture.RotateVector1();

    /// <summary>complex_conjugate (out of place).</summary>
    [Benchmark]
    public void ComplexConjugate() => _fixture.ComplexConjugate();
}
