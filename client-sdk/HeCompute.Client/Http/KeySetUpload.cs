namespace HeCompute.Client.Http;

/// <summary>
/// The parts of a key set upload, each one SEAL object in SEAL's serialization format. The server never accepts a
/// secret key, and this type has no place for one. Disposing it disposes the streams.
/// </summary>
/// <param name="Parms">The <c>EncryptionParameters</c>.</param>
/// <param name="PublicKey">The public key (needed by dataset contributors), optional.</param>
/// <param name="RelinKeys">Relinearization keys, optional.</param>
/// <param name="GaloisKeys">Galois keys, optional.</param>
/// <param name="Name">A display name, optional.</param>
/// <param name="ExpiresAt">When the server stops using the key set for new computations, optional (at most two years away; else the server's default).</param>
public sealed record KeySetUpload(
    Stream Parms, Stream? PublicKey = null, Stream? RelinKeys = null, Stream? GaloisKeys = null, string? Name = null, DateTimeOffset? ExpiresAt = null)
    : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Parms.Dispose();
        PublicKey?.Dispose();
        RelinKeys?.Dispose();
        GaloisKeys?.Dispose();
    }
}
