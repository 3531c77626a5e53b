using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Keys;

/// <summary>Turns a plan's parameters into a validated <see cref="Parameters"/>.</summary>
public static class PlanContext
{
    /// <summary>
    /// Loads <see cref="PlanParameters.SealParameters"/>, checks they are CKKS, agree with the plan's readable fields
    /// (N, primes, parms_id) and reach 128-bit security, and returns the context.
    /// </summary>
    /// <exception cref="PlanMismatchException">The parameters are malformed, inconsistent or insecure.</exception>
    public static Parameters Create(PlanDocument plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Format != PlanDocument.FormatName || plan.Version != PlanDocument.CurrentVersion)
        {
            throw new PlanMismatchException($"The plan is '{plan.Format}' version {plan.Version}; this client reads '{PlanDocument.FormatName}' version {PlanDocument.CurrentVersion}.");
        }

        var p = plan.Parameters;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(p.SealParameters);
        }
        catch (FormatException e)
        {
            throw new PlanMismatchException("The plan's seal_parameters are not base64.", e);
        }

        ParametersLiteral literal;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            literal = ParametersLiteral.Load(stream, SecurityLevel.Tc128);
        }
        catch (Exception e) when (e is SealException or IOException or InvalidDataException or ArgumentException)
        {
            throw new PlanMismatchException($"The plan's seal_parameters are not SEAL CKKS encryption parameters: {e.Message}", e);
        }

        Check(plan, literal);
        if (Parameters.Validate(literal, out var reason) != ParameterError.Success)
        {
            throw new PlanMismatchException($"The plan's parameters are refused at 128-bit security: {reason}");
        }

        return Parameters.Create(literal);
    }

    private static void Check(PlanDocument plan, ParametersLiteral parms)
    {
        var p = plan.Parameters;
        if (parms.PolyModulusDegree != p.PolyModulusDegree)
        {
            throw new PlanMismatchException($"The plan says N = {p.PolyModulusDegree} but its SEAL parameters have N = {parms.PolyModulusDegree}.");
        }

        if (!parms.CoefficientPrimes.SequenceEqual(p.CoeffModulus))
        {
            throw new PlanMismatchException("The plan's coeff_modulus differs from the primes in its SEAL parameters.");
        }

        if (!string.Equals(parms.ParmsId.ToString(), p.ParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw new PlanMismatchException($"The plan's parms_id {p.ParmsId} is not that of its SEAL parameters ({parms.ParmsId}).");
        }

        if (p.SecurityLevel < 128)
        {
            throw new PlanMismatchException($"The plan declares {p.SecurityLevel}-bit security; at least 128 is required.");
        }

        if (!(p.Scale > 1) || !double.IsFinite(p.Scale))
        {
            throw new PlanMismatchException($"The plan's scale {p.Scale} is not a usable CKKS scale.");
        }
    }
}
