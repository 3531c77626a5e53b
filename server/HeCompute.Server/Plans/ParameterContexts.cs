using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Caching;

namespace HeCompute.Server.Plans;

/// <summary>
/// Engine contexts built from a plan's stored parameters, by parms_id: what checking a ciphertext against a plan needs,
/// without loading any key set. Few parameter sets exist (the planner picks from a small family), so a count bound
/// keeps them all.
/// </summary>
public sealed class ParameterContexts
{
    private const int Capacity = 32;
    private readonly LoadingCache<string, Parameters> _cache = new(Capacity, _ => 1, StringComparer.OrdinalIgnoreCase);

    /// <summary>The context of <paramref name="parameters"/>.</summary>
    public Task<Parameters> GetAsync(PlanParameters parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return _cache.GetOrLoadAsync(parameters.ParmsId, _ => Task.FromResult(Create(parameters)), cancellationToken);
    }

    /// <summary>Deserializes the plan's SEAL parameters and builds their context (the heavy work of a miss).</summary>
    /// <exception cref="InvalidDataException">The stored parameters are not the valid CKKS parameters the plan names.</exception>
    private static Parameters Create(PlanParameters parameters)
    {
        ParametersLiteral literal;
        using (var stream = new MemoryStream(Convert.FromBase64String(parameters.SealParameters), writable: false))
        {
            literal = ParametersLiteral.Load(stream, SecurityLevel.Tc128);
        }

        if (Parameters.Validate(literal, out _) != ParameterError.Success
            || !string.Equals(literal.ParmsId.ToString(), parameters.ParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"A stored plan's parameters do not build a valid context with parms_id {parameters.ParmsId}.");
        }

        var context = Parameters.Create(literal);
        return context;
    }
}
