using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Server.Errors;

namespace HeCompute.Server.KeySets;

/// <summary>
/// The server's one check that it is not being handed a secret key, by part name or by content (bytes that load as a
/// <see cref="SecretKey"/> for the parameters at hand), and the one refusal it answers with.
/// </summary>
public static class SecretKeyGuard
{
    private static readonly string[] SecretPartNames = ["secret_key", "secret-key", "secretkey", "sk"];

    /// <summary>Refuses an upload part whose name says it is a secret key.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.SecretKeyRefused"/>.</exception>
    public static void RefuseSecretPartName(string partName)
    {
        if (SecretPartNames.Contains(partName, StringComparer.OrdinalIgnoreCase))
        {
            throw Refused($"Part '{partName}': the server never accepts a secret key. Keep it on the client; upload only public, relinearization and Galois keys.");
        }
    }

    /// <summary>
    /// Refuses <paramref name="what"/> (which failed to load as what it should be) if it loads as a secret key of
    /// <paramref name="context"/>; returns otherwise.
    /// </summary>
    /// <param name="open">Opens the bytes afresh.</param>
    /// <param name="context">The parameters the object was loaded against.</param>
    /// <param name="what">Names the object in the detail, e.g. "Part 'relin_keys'".</param>
    /// <param name="expected">What it should have been, e.g. "a ciphertext".</param>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.SecretKeyRefused"/>.</exception>
    public static void RefuseSecretKey(Func<Stream> open, Parameters context, string what, string expected)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            using var stream = open();
            using var secret = new SecretKey();
            secret.Load(context, stream);
        }
        catch (SealException)
        {
            return;
        }

        throw Refused(
            $"{what} holds a SEAL SecretKey for these parameters, not {expected}. The server never accepts a secret key: keep it on the client " +
            "and upload only the public, relinearization and Galois keys. Consider this secret key exposed and generate a new one.");
    }

    private static DomainException Refused(string detail) => DomainErrors.SecretKeyRefused(detail);
}
