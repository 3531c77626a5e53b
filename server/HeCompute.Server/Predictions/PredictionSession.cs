using HeCompute.Analytics;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Privacy;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Errors;

namespace HeCompute.Server.Predictions;

/// <summary>
/// A model ready to evaluate with one key set: the plan, the compiled circuit and an evaluation context holding only
/// that key set's keys. Not shared between requests (it owns an evaluator and an encoder).
/// </summary>
public sealed class PredictionSession
{
    private readonly PublicKey? _floodingKey;
    private readonly double _floodingStandardDeviation;

    internal PredictionSession(PlanDocument plan, IEncryptedModel model, EvaluationContext context, PublicKey? floodingKey, double floodingStandardDeviation)
    {
        Plan = plan;
        Model = model;
        Context = context;
        _floodingKey = floodingKey;
        _floodingStandardDeviation = floodingStandardDeviation;
    }

    /// <summary>The model's plan.</summary>
    public PlanDocument Plan { get; }

    /// <summary>The compiled circuit.</summary>
    public IEncryptedModel Model { get; }

    /// <summary>The evaluation context (the key set's context and keys, the plan's scale).</summary>
    public EvaluationContext Context { get; }

    /// <summary>Largest input accepted, in bytes.</summary>
    public long MaxInputBytes => CiphertextInput.MaxBytes(Plan);

    /// <summary>Checks a record count against the plan.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> outside 1 … records per ciphertext.</exception>
    public int CheckRecords(int? records) => CheckRecords(Plan, records);

    /// <summary>Checks a record count against <paramref name="plan"/> (null: a full ciphertext).</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> outside 1 … records per ciphertext.</exception>
    public static int CheckRecords(PlanDocument plan, int? records)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var count = records ?? plan.Input.RecordsPerCiphertext;
        if (count < 1 || count > plan.Input.RecordsPerCiphertext)
        {
            throw DomainErrors.Invalid(
                $"'{PredictProtocol.Records}' must be between 1 and {plan.Input.RecordsPerCiphertext} (records one ciphertext holds in this plan).");
        }

        return count;
    }

    /// <summary>Evaluates the model on one serialized input ciphertext; returns the serialized result.</summary>
    /// <exception cref="DomainException">The input is not a valid fresh ciphertext of the plan, or a key is missing.</exception>
    public byte[] Predict(ReadOnlyMemory<byte> input, int records, string what, CancellationToken cancellationToken = default)
    {
        using var ciphertext = CiphertextInput.Load(input, Context.Parameters, Plan, what);
        // The token reaches every key switch of the circuit: a cancelled or timed-out prediction stops within one.
        var context = Context.WithCancellation(cancellationToken);
        Ciphertext result;
        try
        {
            result = Model.Evaluate(context, ciphertext, records);
            if (_floodingKey is not null)
            {
                using var exact = result;
                result = NoiseFlooding.Apply(context, _floodingKey, exact, _floodingStandardDeviation);
            }
        }
        catch (SealException ex)
        {
            throw EngineErrors.From(ex, what);
        }
        catch (ArgumentException ex)
        {
            throw DomainErrors.InvalidOperand("Invalid operand", $"{what}: {ex.Message}", ex);
        }

        using (result)
        using (var output = new MemoryStream())
        {
            result.Save(output);
            return output.ToArray();
        }
    }
}
