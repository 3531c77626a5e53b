namespace HeCompute.Server.Storage;

/// <summary>
/// Where the at-rest keyring (the data keys, each wrapped by a master key: never a key in the clear) lives: in the
/// metadata store, so every node on one database shares it and a backup of the metadata can carry it.
/// </summary>
public interface IKeyringStore
{
    /// <summary>The stored keyring document, or null when none exists yet.</summary>
    Task<string?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="document"/> unless a keyring exists, atomically across nodes; returns the stored one,
    /// which is another node's when it got there first (first writer wins).
    /// </summary>
    Task<string> CreateAsync(string document, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored keyring with <paramref name="document"/> if it is still <paramref name="expected"/> (a
    /// compare-and-swap, so two nodes changing it at once cannot lose either change); false when it was not.
    /// </summary>
    Task<bool> ReplaceAsync(string expected, string document, CancellationToken cancellationToken);
}
