using BenchmarkDotNet.Attributes;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Bench;

/// <summary>
/// Single-record latency of each analytics model (<see cref="ModelFixture"/>): one <c>Evaluate</c> on a ciphertext
/// holding one record, with exactly the planned keys (encoded diagonals cached after the warm-up, as on a server).
/// </summary>
public class ModelBenchmarks
{
    private ModelFixture _fixture = null!;
    private ModelCase _case = null!;
    private Ciphertext _input = null!;

    /// <summary>The model (the BreastMNIST CNN only where the data set is present).</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    /// <summary>The models to run.</summary>
    public static IEnumerable<string> Models()
    {
        yield return "logistic-cancer";
        yield return "mlp-cancer";
        yield return "cnn-shapes";
        if (File.Exists("../shared/datasets/breastmnist.npz") || File.Exists("/work/shared/datasets/breastmnist.npz"))
        {
            yield return "cnn-breastmnist";
        }
    }

    /// <summary>Trains the model and encrypts one record.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _fixture = ModelFixture.Create([Model]);
        _case = _fixture.Cases[0];
        _input = _case.Encrypt([_case.Records[0]]).Ciphertext;
    }

    /// <summary>Disposes the keys.</summary>
    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    /// <summary>One encrypted prediction of one record.</summary>
    [Benchmark]
    public Ciphertext Predict() => _case.Model.Evaluate(_case.Evaluation, _input, 1);
}
