using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Ciphertexts;

/// <summary>Checks a key set against a plan before any computation: same parameters, and every key the plan lists.</summary>
public static class PlanKeyCheck
{
    /// <summary>Throws the specific problem if <paramref name="keySet"/> cannot run <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="keySet">The tenant's key set.</param>
    /// <param name="needPublicKey">Whether the key set must also carry a public key (for noise flooding, and datasets serve it to contributors).</param>
    /// <exception cref="DomainException">400 <c>parms-mismatch</c> or <c>missing-key</c>, naming what differs or lacks.</exception>
    public static void Require(PlanDocument plan, KeySetRecord keySet, bool needPublicKey = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(keySet);
        if (!string.Equals(keySet.ParmsId, plan.Parameters.ParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw DomainErrors.ParmsMismatch(
                "Key set belongs to other encryption parameters",
                $"Key set {keySet.Id} has parms_id {keySet.ParmsId} (N = {keySet.PolyModulusDegree}, primes of {string.Join("/", keySet.CoeffModulusBits)} bits); " +
                $"the plan needs parms_id {plan.Parameters.ParmsId} (N = {plan.Parameters.PolyModulusDegree}, primes of " +
                $"{string.Join("/", plan.Parameters.CoeffModulusBits)} bits). Generate keys from the plan's parameters.");
        }

        if (needPublicKey && !keySet.HasPublicKey)
        {
            throw Missing($"Key set {keySet.Id} has no public key; it is needed to noise-flood results and for contributors to encrypt with.");
        }

        if (plan.Keys.RelinearizationKeys && !keySet.HasRelinKeys)
        {
            throw Missing($"Key set {keySet.Id} has no relinearization keys; the plan multiplies ciphertexts.");
        }

        for (var i = 0; i < plan.Keys.GaloisElements.Count; i++)
        {
            if (!keySet.GaloisElements.Contains(plan.Keys.GaloisElements[i]))
            {
                throw Missing(
                    $"Key set {keySet.Id} has no Galois key for rotation step {plan.Keys.GaloisSteps[i]} (Galois element {plan.Keys.GaloisElements[i]}); " +
                    $"the plan needs steps {string.Join(", ", plan.Keys.GaloisSteps)}.");
            }
        }
    }

    private static DomainException Missing(string detail) => DomainErrors.MissingKey(detail);
}
