using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.KeySets;

namespace HeCompute.Server.Ciphertexts;

/// <summary>
/// Loads a client's ciphertext against a key set's context and checks it is what a plan takes: a fresh encryption
/// (size 2, at the top level) at the plan's scale. A body that is a SEAL secret key is refused as such.
/// </summary>
public static class CiphertextInput
{
    /// <summary>
    /// Upper bound on an input's size: the plan's seeded size doubled (a client may send the full, unseeded form) plus
    /// room for headers and incompressible data.
    /// </summary>
    public static long MaxBytes(PlanDocument plan) => (2 * (plan ?? throw new ArgumentNullException(nameof(plan))).Sizes.InputCiphertextBytes) + 65536;

    /// <summary>Loads and checks one input ciphertext.</summary>
    /// <exception cref="DomainException">Malformed, a secret key, at another level or parameters, or at another scale.</exception>
    public static Ciphertext Load(ReadOnlyMemory<byte> bytes, Parameters context, PlanDocument plan, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        var ciphertext = new Ciphertext();
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            // The bound applies to the decompressed object: a full (unseeded) fresh ciphertext fits in it.
            ciphertext.Load(context, stream, MaxBytes(plan));
        }
        catch (SealException ex)
        {
            ciphertext.Dispose();
            SecretKeyGuard.RefuseSecretKey(() => new MemoryStream(bytes.ToArray(), writable: false), context, what, "a ciphertext");
            if (ForeignParmsId(bytes, context, MaxBytes(plan)) is { } foreign)
            {
                throw DomainErrors.ParmsMismatch(
                    "Object belongs to other encryption parameters",
                    $"{what} has parms_id {foreign}, which is no level of the key set's parameters (parms_id {context.KeyParmsId}); " +
                    $"encrypt under the plan's parameters (parms_id {plan.Parameters.ParmsId}).", ex);
            }

            throw EngineErrors.From(ex, what);
        }

        if (ciphertext.ParmsId != context.FirstParmsId)
        {
            var level = context.GetLevel(ciphertext.ParmsId)?.ChainIndex;
            ciphertext.Dispose();
            throw DomainErrors.ParmsMismatch(
                "Object belongs to another level",
                $"{what} is at level {level} (parms_id {ciphertext.ParmsId}); the plan takes fresh encryptions at the top level " +
                $"{context.FirstLevel.ChainIndex} (parms_id {context.FirstParmsId}).");
        }

        if (ciphertext.Size != 2)
        {
            ciphertext.Dispose();
            throw DomainErrors.InvalidOperand(
                "Invalid operand",
                $"{what} has size {ciphertext.Size}; a fresh encryption has size 2.");
        }

        if (!(Math.Abs((ciphertext.Scale / plan.Parameters.Scale) - 1) < 1e-9))
        {
            var scale = ciphertext.Scale;
            ciphertext.Dispose();
            throw DomainErrors.InvalidOperand(
                "Scale mismatch",
                $"{what} is at scale {scale:R}; encode the inputs at the plan's scale {plan.Parameters.Scale:R}.");
        }

        return ciphertext;
    }

    /// <summary>
    /// The parms_id a well-formed SEAL object's body starts with (every ciphertext's does), when it is none of the
    /// context's levels: the engine reports that as a format error, but to a client it means "wrong parameters".
    /// </summary>
    private static ParmsId? ForeignParmsId(ReadOnlyMemory<byte> bytes, Parameters context, long maxBytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            var parmsId = ParmsId.PeekSealObject(stream, maxBytes);
            return parmsId is { } id && context.GetLevel(id) is null ? id : null;
        }
        catch (SealException)
        {
            return null;
        }
    }
}
