using System.Text.Json;
using HeCompute.Analytics;
using HeCompute.Contracts;
using HeCompute.Server.Ciphertexts;
using HeCompute.Server.Errors;
using HeCompute.Server.KeySets;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Predictions;

/// <summary>Opens prediction sessions: a visible model, the tenant's key set checked against the plan, the compiled circuit.</summary>
public sealed class Predictor(KeySetService keySets, ModelService models)
{
    /// <summary>Reads a stored plan.</summary>
    public static PlanDocument ReadPlan(string planJson) =>
        JsonSerializer.Deserialize<PlanDocument>(planJson, HeComputeJson.Options) ?? throw new InvalidDataException("A stored plan is empty.");

    /// <summary>Prepares <paramref name="model"/> for evaluation with the tenant's key set.</summary>
    /// <exception cref="ProblemException">404 for an unknown key set; 400 <c>parms-mismatch</c> or <c>missing-key</c>.</exception>
    public async Task<PredictionSession> OpenAsync(string tenantId, ModelRecord model, string? keySetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(keySetId))
        {
            throw new ProblemException(
                StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid",
                $"'{PredictProtocol.KeySetId}' is required: the key set whose evaluation keys the server uses.");
        }

        var plan = ReadPlan(model.PlanJson);
        var keys = await keySets.GetKeysAsync(tenantId, keySetId, cancellationToken).ConfigureAwait(false)
            ?? throw new ProblemException(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found", "No key set with this id.");
        PlanKeyCheck.Require(plan, keys.Record, needPublicKey: model.NoiseFlooding);
        var compiled = await models.GetCompiledAsync(model, plan, cancellationToken).ConfigureAwait(false);
        var context = new EvaluationContext(keys.Keys.Context, plan.Parameters.Scale, keys.Keys.EvaluationKeys);
        return model.NoiseFlooding
            ? new PredictionSession(plan, compiled, context, keys.Keys.PublicKey, model.FloodingStandardDeviation)
            : new PredictionSession(plan, compiled, context, null, 0);
    }
}
