using System.Security.Cryptography;
using HeCompute.Contracts;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Audit;

/// <summary>
/// Signs audit heads with the server's ECDSA P-256 audit key, kept in <c>{DataDirectory}/audit-head-key.pem</c>
/// (PKCS#8, created 0600 on first use). Anyone holding the public key (or its pinned fingerprint) can check that a
/// stored export and head pair has not been cut or altered since the server signed it, and that a head relayed by
/// a proxy or a tool is the server's. It cannot protect against the server itself (which holds the key): the
/// hash chain and heads recorded earlier do that.
/// </summary>
public sealed class AuditHeadSigner : IDisposable
{
    /// <summary>The key file's name in the data directory.</summary>
    public const string KeyFileName = "audit-head-key.pem";

    private readonly ECDsa _key;
    private readonly string _publicKey;
    private readonly string _fingerprint;

    /// <summary>Loads the key, creating it on first start.</summary>
    public AuditHeadSigner(StoragePaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _key = ECDsa.Create();
        var path = Path.Combine(paths.DataDirectory, KeyFileName);
        if (File.Exists(path))
        {
            _key.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            _key.GenerateKey(ECCurve.NamedCurves.nistP256);
            PrivateFiles.CreateDirectory(paths.DataDirectory);
            PrivateFiles.WriteSecret(path, _key.ExportPkcs8PrivateKeyPem());
        }

        var spki = _key.ExportSubjectPublicKeyInfo();
        _publicKey = Convert.ToBase64String(spki);
        _fingerprint = AuditHeads.Fingerprint(spki);
    }

    /// <summary>The key's fingerprint (hex SHA-256 of its SubjectPublicKeyInfo).</summary>
    public string Fingerprint => _fingerprint;

    /// <summary>The signed head of a scope.</summary>
    public AuditHeadResponse Sign(string? tenantId, bool allTenants, long afterSeq, AuditHeadSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // Signed at the precision the signing input keeps, so the client recomputes the same bytes.
        var signedAt = DateTimeOffset.ParseExact(AuditChain.FormatTimestamp(now), AuditChain.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        var head = new AuditHeadResponse(tenantId, allTenants, afterSeq, snapshot.Entries, snapshot.LastSeq, snapshot.Heads, signedAt, _fingerprint, _publicKey, string.Empty);
        return head with { Signature = Convert.ToBase64String(_key.SignData(AuditHeads.SigningInput(head), HashAlgorithmName.SHA256)) };
    }

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}
