namespace HeCompute.Server.Options;

/// <summary>
/// Encryption at rest of everything the blob store holds (model weights first of all): the master key that wraps the
/// data keys, the keys it replaces during a rotation, and where the wrapped data keys live.
/// </summary>
public sealed class AtRestOptions
{
    /// <summary>
    /// The master key, 32 bytes in base64 (e.g. from an environment variable or a secret store). Takes precedence
    /// over <see cref="MasterKeyFile"/>.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// A file holding the master key (32 bytes in base64). With SQLite the default is
    /// <c>{DataDirectory}/keys/master.key</c>, generated 0600 on the first start when no master key is configured at
    /// all; with PostgreSQL this or <see cref="MasterKey"/> must be set (the same key on every node).
    /// </summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>Master keys being rotated away from (base64): still accepted to unwrap data keys, never used to wrap.</summary>
    public IList<string> PreviousMasterKeys { get; } = [];

    /// <summary>Files holding master keys being rotated away from.</summary>
    public IList<string> PreviousMasterKeyFiles { get; } = [];

    /// <summary>
    /// A keyring file left by a server from before the keyring moved into the metadata store (default
    /// <c>{DataDirectory}/keys/keyring.json</c>): at start its data keys are added to the store's keyring, after which
    /// the file is not needed.
    /// </summary>
    public string? KeyringFile { get; set; }
}
