namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// Encryption at rest over any <see cref="IBlobStore"/>: what goes in is encrypted into a <see cref="BlobEnvelope"/>
/// before the inner store sees a byte, and what comes out is decrypted and verified. Names stay the SHA-256 of the
/// plaintext, so content addressing, sharing between tenants and every stored reference are unchanged, and so does a
/// staged blob's length (the plaintext's, as limits and references expect).
/// </summary>
internal sealed class EncryptedBlobStore(IBlobStore inner, AtRestKeyring keyring) : IBlobStore
{
    /// <summary>The store underneath, holding envelopes (what a backup copies as it is).</summary>
    public IBlobStore Inner => inner;

    /// <summary>The keyring the envelopes' data keys are in.</summary>
    public AtRestKeyring Keyring => keyring;

    /// <inheritdoc/>
    public async Task<StagedBlob> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var encrypting = new EnvelopeEncryptingStream(source, maxBytes, keyring.Current);
        await using (encrypting.ConfigureAwait(false))
        {
            // The plaintext limit is enforced by the encrypting stream; the envelope is slightly larger.
            var staged = await inner.StageAsync(encrypting, long.MaxValue, cancellationToken).ConfigureAwait(false);
            var sha256 = encrypting.PlaintextSha256;
            return staged.Relabel(sha256, encrypting.PlaintextLength, stored => new EnvelopeDecryptingStream(stored, sha256, keyring));
        }
    }

    /// <inheritdoc/>
    public Task CommitAsync(StagedBlob staged, CancellationToken cancellationToken) => inner.CommitAsync(staged, cancellationToken);

    /// <inheritdoc/>
    public Stream OpenRead(string sha256) => new EnvelopeDecryptingStream(inner.OpenRead(sha256), sha256, keyring);

    /// <inheritdoc/>
    public bool Exists(string sha256) => inner.Exists(sha256);

    /// <inheritdoc/>
    public void Delete(string sha256) => inner.Delete(sha256);

    /// <inheritdoc/>
    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
