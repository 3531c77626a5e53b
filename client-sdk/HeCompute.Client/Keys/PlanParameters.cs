using HeCompute.Ckks;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Keys;

/// <summary>Turns a plan's parameters into a validated <see cref="SEALContext"/>.</summary>
public static class PlanContext
{
    /// <summary>
    /// Loads <see cref="PlanParameters.SealParameters"/>, checks they are CKKS, agree with the plan's readable fields
    /// (N, primes, parms_id) and reach 128-bit security, and returns the context.
    /// </summary>
    /// <exception cref="PlanMismatchException">The parameters are malformed, inconsistent or insecure.</exception>
    public static SEALContext Create(PlanDocument plan, out EncryptionParameters parms)
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

        parms = new EncryptionParameters();
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            parms.Load(stream);
        }
        catch (Exception e) when (e is SealException or IOException or InvalidDataException or ArgumentException)
        {
            parms.Dispose();
            throw new PlanMismatchException($"The plan's seal_parameters are not SEAL encryption parameters: {e.Message}", e);
        }

        try
        {
            Check(plan, parms);
            var context = new SEALContext(parms, expandModChain: true, SecLevelType.TC128);
            if (!context.ParametersSet())
            {
                var reason = context.ParameterErrorMessage();
                context.Dispose();
                throw new PlanMismatchException($"The plan's parameters are refused at 128-bit security: {reason}");
            }

            return context;
        }
        catch
        {
            parms.Dispose();
            throw;
        }
    }

    private static void Check(PlanDocument plan, EncryptionParameters parms)
    {
        var p = plan.Parameters;
        if (parms.Scheme != SchemeType.CKKS)
        {
            throw new PlanMismatchException($"The plan's parameters are for scheme {parms.Scheme}, not CKKS.");
        }

        if (parms.PolyModulusDegree != (ulong)p.PolyModulusDegree)
        {
            throw new PlanMismatchException($"The plan says N = {p.PolyModulusDegree} but its SEAL parameters have N = {parms.PolyModulusDegree}.");
        }

        var primes = parms.CoeffModulus.Select(m => m.Value).ToArray();
        if (!primes.SequenceEqual(p.CoeffModulus))
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
