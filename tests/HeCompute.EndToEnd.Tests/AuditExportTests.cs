using System.Net;
using System.Text;
using System.Text.Json;
using HeCompute.Client.Http;
using HeCompute.Contracts;
using HeCompute.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// Audit exports of more than the old 10,000-entry page limit over real HTTP: the SDK and <c>hecompute audit export
/// --verify</c> fetch every page and end at the server's signed head, and an export whose tail is cut or which misses
/// a page does not verify.
/// </summary>
public sealed class AuditExportTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    /// <summary>More than one old page (10,000) and a few of the pages below.</summary>
    private const int Generated = 10_500;

    private const int PageSize = 3_000;

    private static readonly SemaphoreSlim Setup = new(1, 1);
    private static (string TenantId, string AuditorKey)? _tenant;

    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task The_SDK_fetches_every_page_and_ends_at_the_signed_head()
    {
        var (tenantId, auditor) = await TenantWithManyEntriesAsync();
        var export = await server.Client(auditor).ExportCompleteAuditAsync(pageSize: PageSize);

        Assert.True(export.Verification.Valid, export.Verification.Reason);
        Assert.True(export.Entries.Count >= Generated, $"{export.Entries.Count} entries");
        Assert.Equal(export.Verification.Head.Entries, export.Entries.Count);
        Assert.Equal(export.Verification.Head.LastSeq, export.Entries[^1].Seq);
        Assert.All(export.Entries, e => Assert.Equal(tenantId, e.TenantId));
        Assert.Equal(export.Entries.Count, export.JsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(export.Entries.Select(e => e.Seq).Distinct().Count(), export.Entries.Count);
        Assert.True(AuditHeads.SignatureValid(export.Verification.Head));

        // A head whose count was changed no longer carries the server's signature.
        var forged = export.Verification.Head with { Entries = export.Verification.Head.Entries - 1 };
        Assert.False(AuditHeads.SignatureValid(forged));
        var pinnedElsewhere = AuditHeads.Verify(export.Entries, export.Verification.Head, pinnedFingerprint: new string('0', 64));
        Assert.False(pinnedElsewhere.Valid);
        Assert.Contains("pinned", pinnedElsewhere.Reason, StringComparison.Ordinal);

        // Without a limit the server streams the whole scope: no silent cap.
        var whole = await server.Client(auditor).ExportAuditAsync(untilSeq: export.Verification.Head.LastSeq);
        Assert.Equal(export.JsonLines, whole);
    }

    [Fact]
    public async Task A_cut_tail_fails_verification()
    {
        var (_, auditor) = await TenantWithManyEntriesAsync();
        // The last page arrives with only its first entries, as a proxy or a server page limit would cut it.
        var client = Tampered(auditor, (page, body) => page == 4 ? string.Concat(body.Split('\n').Take(10).Select(l => l + "\n")) : body);
        var export = await client.ExportCompleteAuditAsync(pageSize: PageSize);

        Assert.True(AuditChain.Verify(export.Entries).Valid, "the cut export is an intact chain: only the head can tell");
        Assert.False(export.Verification.Valid);
        Assert.Contains("head", export.Verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_middle_page_fails_verification()
    {
        var (_, auditor) = await TenantWithManyEntriesAsync();
        // The second page is answered with the third one: the export skips a page's entries.
        var client = Tampered(auditor, null, rewrite: (page, uri) => page == 2 ? SkipAPage(uri) : uri);
        var export = await client.ExportCompleteAuditAsync(pageSize: PageSize);

        Assert.False(export.Verification.Valid);
        Assert.Contains("does not link", export.Verification.Reason, StringComparison.Ordinal);

        // An empty page in the middle ends the export early: the head catches that too.
        var empty = Tampered(auditor, (page, body) => page == 2 ? "" : body);
        var shortExport = await empty.ExportCompleteAuditAsync(pageSize: PageSize);
        Assert.False(shortExport.Verification.Valid);
        Assert.Equal(PageSize, shortExport.Entries.Count);
    }

    [Fact]
    public async Task The_cli_exports_and_verifies_every_entry_and_writes_the_siem_format()
    {
        var (tenantId, auditor) = await TenantWithManyEntriesAsync();
        var cli = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "keys"));
        var file = Path.Combine(_work.Path, "audit.jsonl");
        var result = await cli.JsonAsync(auditor, "audit", "export", "--verify", "--page-size", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", file);
        var verification = result.GetProperty("verification");
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        var entries = result.GetProperty("entries").GetInt32();
        Assert.True(entries >= Generated, $"{entries} entries");
        Assert.Equal(verification.GetProperty("head").GetProperty("entries").GetInt64(), entries);
        var exported = AuditChain.ReadJsonLines(new StringReader(await File.ReadAllTextAsync(file))).ToList();
        Assert.Equal(entries, exported.Count);

        // The saved pair verifies offline; with its last line cut, or a middle line removed, it does not.
        var offline = await cli.JsonAsync(auditor, "audit", "verify", file);
        Assert.True(offline.GetProperty("verification").GetProperty("valid").GetBoolean(), offline.ToString());
        var saved = await File.ReadAllLinesAsync(file);
        await File.WriteAllLinesAsync(file + ".cut", saved[..^1]);
        await File.WriteAllLinesAsync(file + ".gap", [.. saved[..100], .. saved[101..]]);
        foreach (var broken in new[] { file + ".cut", file + ".gap" })
        {
            var (code, stdout, stderr) = await cli.RunAsync(auditor, "audit", "verify", broken, "--head", file + ".head.json");
            Assert.True(code == 3, $"exit {code}\n{stdout}\n{stderr}");
            Assert.Contains("not verified", stderr, StringComparison.Ordinal);
        }

        var siemFile = Path.Combine(_work.Path, "audit-siem.jsonl");
        await cli.JsonAsync(auditor, "audit", "export", "--format", "siem", "--out", siemFile);
        var lines = (await File.ReadAllLinesAsync(siemFile)).Where(l => l.Length > 0).ToList();
        Assert.True(lines.Count >= entries);
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.Equal(AuditChain.FormatTimestamp(exported[0].Timestamp), root.GetProperty("@timestamp").GetString());
        Assert.Equal(exported[0].Action, root.GetProperty("event").GetProperty("action").GetString());
        Assert.Equal(exported[0].Seq, root.GetProperty("event").GetProperty("sequence").GetInt64());
        Assert.Equal(tenantId, root.GetProperty("organization").GetProperty("id").GetString());
        Assert.Equal(exported[0].Status, root.GetProperty("http").GetProperty("response").GetProperty("status_code").GetInt32());
        Assert.Equal(exported[0].DurationMicroseconds * 1000, root.GetProperty("event").GetProperty("duration").GetInt64());
        Assert.Equal(exported[0].Hash, root.GetProperty("hecompute").GetProperty("hash").GetString());
    }

    /// <summary>A tenant with an auditor key and <see cref="Generated"/> entries appended straight through the audit store.</summary>
    private async Task<(string TenantId, string AuditorKey)> TenantWithManyEntriesAsync()
    {
        await Setup.WaitAsync();
        try
        {
            // The class has one server (its fixture), so the tenant is made once for all its tests.
            if (_tenant is { } made)
            {
                return made;
            }

            var (tenantId, keys) = await server.NewTenantAsync("audited hospital", [Roles.Auditor]);
            var audit = server.Services.GetRequiredService<IMetadataStore>().Audit;
            var at = DateTimeOffset.UtcNow;
            for (var i = 0; i < Generated; i++)
            {
                await audit.AppendAsync(
                    new AuditDraft(at.AddTicks(i), tenantId, "k_generated", "keysets.get", "GET", "/v1/keysets/ks_" + i, ["ks_" + i], [], [], null, 5, 200, "success"),
                    CancellationToken.None);
            }

            _tenant = (tenantId, keys[0]);
            return _tenant.Value;
        }
        finally
        {
            Setup.Release();
        }
    }

    private static Uri SkipAPage(Uri uri)
    {
        var query = uri.Query.TrimStart('?').Split('&').Select(p =>
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            return p[..eq] == "after_seq" ? $"after_seq={long.Parse(p[(eq + 1)..], System.Globalization.CultureInfo.InvariantCulture) + PageSize}" : p;
        });
        return new UriBuilder(uri) { Query = string.Join('&', query) }.Uri;
    }

    private HeComputeClient Tampered(string apiKey, Func<int, string, string>? body, Func<int, Uri, Uri>? rewrite = null)
    {
        var http = new HttpClient(new TamperingHandler(body, rewrite) { InnerHandler = new SocketsHttpHandler() });
        return new HeComputeClient(http, Options.Create(new HeComputeClientOptions { BaseAddress = server.BaseAddress, ApiKey = apiKey }));
    }

    /// <summary>Counts export pages (requests to <c>/v1/audit</c>) and rewrites a page's request or answer.</summary>
    private sealed class TamperingHandler(Func<int, string, string>? body, Func<int, Uri, Uri>? rewrite) : DelegatingHandler
    {
        private int _pages;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.TrimEnd('/') != "/v1/audit")
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var page = Interlocked.Increment(ref _pages);
            if (rewrite is not null)
            {
                request.RequestUri = rewrite(page, request.RequestUri);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (body is null || response.StatusCode != HttpStatusCode.OK)
            {
                return response;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var contentType = response.Content.Headers.ContentType;
            response.Content = new StringContent(body(page, text), Encoding.UTF8);
            response.Content.Headers.ContentType = contentType;
            return response;
        }
    }
}
