using HeCompute.Contracts;

namespace HeCompute.Client.Http;

/// <summary>A whole audit export and its check against the server's signed head.</summary>
/// <param name="JsonLines">The pages as the server sent them (JSON lines, byte for byte).</param>
/// <param name="Entries">The entries parsed from them, in order.</param>
/// <param name="Verification">The chain, signature and completeness check.</param>
public sealed record AuditExport(string JsonLines, IReadOnlyList<AuditEntry> Entries, AuditExportVerification Verification);
