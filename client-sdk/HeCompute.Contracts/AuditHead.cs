using System.Security.Cryptography;
using System.Text.Json;

namespace HeCompute.Contracts;

/// <summary>
/// The server's signed statement of where an audit export must end (<c>GET /v1/audit/head</c>): how many entries the
/// scope holds after <see cref="AfterSeq"/> up to <see cref="LastSeq"/>, and the last hash of each chain in it.
/// An export that verifies as a chain but stops short of this head (a cut tail, a missing page) is incomplete.
/// </summary>
/// <param name="TenantId">The tenant exported; null when <see cref="AllTenants"/>.</param>
/// <param name="AllTenants">Whether the scope is every tenant (global admins only).</param>
/// <param name="AfterSeq">The head counts entries after this sequence number (0: from the start).</param>
/// <param name="Entries">Entries in the scope with <see cref="AfterSeq"/> &lt; seq ≤ <see cref="LastSeq"/>.</param>
/// <param name="LastSeq">The last sequence number in the scope (0 when it is empty); export with <c>until_seq</c> set to it.</param>
/// <param name="Heads">Last hash of each chain with entries in the range, by tenant id (empty string for unauthenticated calls).</param>
/// <param name="SignedAt">When the server signed the head.</param>
/// <param name="KeyFingerprint">Hex SHA-256 of <see cref="PublicKey"/>'s bytes: pin it to know the head comes from this server.</param>
/// <param name="PublicKey">Base64 SubjectPublicKeyInfo of the server's ECDSA P-256 audit key.</param>
/// <param name="Signature">Base64 ECDSA P-256 / SHA-256 signature (IEEE P1363) over <see cref="AuditHeads.SigningInput"/>.</param>
public sealed record AuditHeadResponse(
    string? TenantId,
    bool AllTenants,
    long AfterSeq,
    long Entries,
    long LastSeq,
    IReadOnlyDictionary<string, string> Heads,
    DateTimeOffset SignedAt,
    string KeyFingerprint,
    string PublicKey,
    string Signature);

/// <summary>The result of checking an export against a signed head.</summary>
/// <param name="Valid">Whether the chains verify, the signature verifies and the export ends exactly at the head.</param>
/// <param name="Chain">The chain verification of the entries themselves.</param>
/// <param name="Head">The head the export was compared with.</param>
/// <param name="Reason">Why it is not valid.</param>
public sealed record AuditExportVerification(bool Valid, AuditVerificationResponse Chain, AuditHeadResponse Head, string? Reason);

/// <summary>Signing and checking <see cref="AuditHeadResponse"/>s, shared by the server (signs) and clients (check).</summary>
public static class AuditHeads
{
    /// <summary>
    /// The bytes the signature covers: canonical JSON (fixed field order, heads sorted by tenant id, no whitespace) of
    /// every field except the key and the signature.
    /// </summary>
    public static byte[] SigningInput(AuditHeadResponse head)
    {
        ArgumentNullException.ThrowIfNull(head);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("purpose", "hecompute-audit-head-v1");
            if (head.TenantId is null)
            {
                writer.WriteNull("tenant_id");
            }
            else
            {
                writer.WriteString("tenant_id", head.TenantId);
            }

            writer.WriteBoolean("all_tenants", head.AllTenants);
            writer.WriteNumber("after_seq", head.AfterSeq);
            writer.WriteNumber("entries", head.Entries);
            writer.WriteNumber("last_seq", head.LastSeq);
            writer.WriteStartObject("heads");
            foreach (var (chain, hash) in head.Heads.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                writer.WriteString(chain, hash);
            }

            writer.WriteEndObject();
            writer.WriteString("signed_at", AuditChain.FormatTimestamp(head.SignedAt));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The fingerprint of a public key (hex SHA-256 of its SubjectPublicKeyInfo bytes).</summary>
    public static string Fingerprint(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Whether the head's signature verifies under its own public key, and the fingerprint matches that key.</summary>
    public static bool SignatureValid(AuditHeadResponse head)
    {
        ArgumentNullException.ThrowIfNull(head);
        byte[] key;
        byte[] signature;
        try
        {
            key = Convert.FromBase64String(head.PublicKey);
            signature = Convert.FromBase64String(head.Signature);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!string.Equals(Fingerprint(key), head.KeyFingerprint, StringComparison.Ordinal))
        {
            return false;
        }

        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(key, out _);
        }
        catch (CryptographicException)
        {
            return false;
        }

        return ecdsa.VerifyData(SigningInput(head), signature, HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// Verifies an export against a head: the chains (a partial start is allowed only when the head starts after seq
    /// 0), the head's signature (and, when given, that its key has <paramref name="pinnedFingerprint"/>), and that the
    /// export holds exactly the head's count, ends at its last seq and ends every chain at its head hash.
    /// </summary>
    public static AuditExportVerification Verify(IReadOnlyList<AuditEntry> entries, AuditHeadResponse head, string? pinnedFingerprint = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(head);
        var chain = AuditChain.Verify(entries, allowPartialStart: head.AfterSeq > 0);
        var reason = Check();
        return new AuditExportVerification(reason is null, chain, head, reason);

        string? Check()
        {
            if (!chain.Valid)
            {
                return chain.Reason;
            }

            if (!SignatureValid(head))
            {
                return "the server's head signature does not verify";
            }

            if (pinnedFingerprint is not null && !string.Equals(pinnedFingerprint, head.KeyFingerprint, StringComparison.OrdinalIgnoreCase))
            {
                return $"the head is signed by key {head.KeyFingerprint}, not the pinned {pinnedFingerprint}";
            }

            if (entries.Count != head.Entries)
            {
                return $"the export holds {entries.Count} entries but the server's head counts {head.Entries} (entries are missing or extra)";
            }

            var lastSeq = entries.Count == 0 ? 0 : entries[^1].Seq;
            if (entries.Count > 0 && lastSeq != head.LastSeq)
            {
                return $"the export ends at entry {lastSeq} but the server's head is entry {head.LastSeq} (the tail is cut)";
            }

            if (chain.Heads.Count != head.Heads.Count)
            {
                return $"the export has {chain.Heads.Count} chain(s) but the server's head has {head.Heads.Count}";
            }

            foreach (var (tenant, hash) in head.Heads)
            {
                if (!chain.Heads.TryGetValue(tenant, out var exported) || !string.Equals(exported, hash, StringComparison.Ordinal))
                {
                    return $"the chain of tenant '{tenant}' does not end at the server's head hash (its tail is cut)";
                }
            }

            return null;
        }
    }
}
