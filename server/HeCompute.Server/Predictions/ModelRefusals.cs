using HeCompute.Analytics.Planning;
using HeCompute.Protocol.Models;
using HeCompute.Server.Errors;

namespace HeCompute.Server.Predictions;

/// <summary>
/// The one translation of the model pipeline's refusals (JSON reading, ONNX import, planning) into domain errors, so
/// every model document gets a specific 4xx problem, never an internal error.
/// </summary>
public static class ModelRefusals
{
    /// <summary>The domain error of a refusal, or null for an exception that is not one (a server fault).</summary>
    public static DomainException? From(Exception exception) => exception switch
    {
        ModelFormatException format => DomainErrors.InvalidModel(format.Message, format),
        ActivationIntervalException interval => DomainErrors.ActivationIntervalTooNarrow(interval.Message, interval),
        ModelPlanningException planning => DomainErrors.ModelNotPlannable(planning.Message, planning),
        _ => null,
    };
}
