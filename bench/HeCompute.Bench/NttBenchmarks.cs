using BenchmarkDotNet.Attributes;

namespace HeCompute.Bench;

/// <summary>Single-prime negacyclic NTT with a 60-bit prime, in place on a preallocated buffer.</summary>
[MemoryDiagnoser]
public class NttBenchmarks
{
    private NttFixture _fixture = null!;

    /// <summary>Transform length.</summary>
    [Params(8192, 16384)]
    public int N { get; set; }

    /// <summary>Builds the tables and buffers.</summary>
    [GlobalSetup]
    public void Setup() => _fixture = new NttFixture(N);

    /// <summary>Forward transform, output reduced to [0, q).</summary>
    [Benchmark]
    public void NttForward() => _fixture.Forward();

    /// <summary>Forward transform, output in [0, 4q) (SEAL's ntt_negacyclic_harvey_lazy).</summary>
    [Benchmark]
    public void NttForwardLazy() => _fixture.ForwardLazy();

    /// <summary>Inverse transform with the N^-1 scaling.</summary>
    [Benchmark]
    public void NttInverse() => _fixture.Inverse();
}
