using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Models;

/// <summary>
/// A model compiled for a slot count: its circuit on ciphertexts, the same circuit in double precision, and everything
/// a planner needs to choose parameters and keys (depth, rotation steps, packing, output layout).
/// </summary>
public interface IEncryptedModel
{
    /// <summary>The document the model was compiled from.</summary>
    ModelDocument Document { get; }

    /// <summary>The slot count the model was compiled for.</summary>
    int SlotCount { get; }

    /// <summary>Number of outputs per record.</summary>
    int Outputs { get; }

    /// <summary>Records one input ciphertext holds.</summary>
    int RecordsPerCiphertext { get; }

    /// <summary>Slots between consecutive records (inputs and outputs alike).</summary>
    int RecordStride { get; }

    /// <summary>Offset of feature t within a record's slots.</summary>
    IReadOnlyList<int> FeatureOffsets { get; }

    /// <summary>Distance between copies of a feature within a record (0 without replication).</summary>
    int ReplicationPeriod { get; }

    /// <summary>Copies of each feature within a record (1 without replication).</summary>
    int Copies { get; }

    /// <summary>Offset of output c within a record's slots.</summary>
    IReadOnlyList<int> OutputOffsets { get; }

    /// <summary>What an output is (see <c>PlanOutput.Meaning</c>): value, logit, probability, logits or margin.</summary>
    string OutputMeaning { get; }

    /// <summary>Whether the circuit multiplies two ciphertexts (relinearization keys needed).</summary>
    bool UsesRelinearization { get; }

    /// <summary>The rotation steps the circuit uses, canonical and sorted (the only Galois keys a client needs).</summary>
    IReadOnlyList<int> RequiredSteps { get; }

    /// <summary>The key switches and plaintext products one evaluation runs (what a latency estimate weighs).</summary>
    LinearAlgebra.RotationWork Work { get; }

    /// <summary>Bound on the absolute error the polynomial approximations add to an output (0 without them).</summary>
    double ApproximationError { get; }

    /// <summary>Levels consumed for an input at the context's default scale.</summary>
    int Depth(EvaluationContext context);

    /// <summary>The plaintext computation of the same circuit (same polynomials), on standardised features.</summary>
    double[] EvaluatePlain(ReadOnlySpan<double> standardizedFeatures);

    /// <summary>Evaluates on one input ciphertext packed by <see cref="EncryptedModelPacking.Pack"/> holding <paramref name="recordCount"/> records.</summary>
    Ciphertext Evaluate(EvaluationContext context, Ciphertext input, int recordCount);
}
