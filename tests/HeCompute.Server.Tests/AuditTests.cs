using System.Net;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Tests;

public sealed class AuditTests
{
    [Fact]
    public async Task Every_call_is_logged_with_hashes_and_the_chain_verifies_offline()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        using var hospital = await factory.NewTenantAsync(Roles.Hospital);
        using var auditor = await factory.NewKeyAsync(hospital.TenantId, Roles.Auditor);
        var keys = KeyMaterial.Shared;
        using var form = Api.KeySetForm((KeySetParts.Parms, keys.Parms), (KeySetParts.RelinKeys, keys.RelinKeysSeeded));
        var keySet = await Api.UploadAsync(hospital.Http, form);
        using (await hospital.Http.GetAsync($"/v1/keysets/{keySet.Id}"))
        {
        }

        using (await hospital.Http.GetAsync("/v1/keysets/ks_missing"))
        {
        }

        using var response = await auditor.Http.GetAsync("/v1/audit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var export = await response.Content.ReadAsStringAsync();
        var entries = AuditChain.ReadJsonLines(new StringReader(export)).ToList();
        Assert.All(entries, e => Assert.Equal(hospital.TenantId, e.TenantId));

        var upload = Assert.Single(entries, e => e.Action == "keysets.create");
        Assert.Equal(hospital.KeyId, upload.KeyId);
        Assert.Equal(201, upload.Status);
        Assert.Equal("success", upload.Outcome);
        Assert.Equal(keys.ParmsId, upload.ParmsId);
        Assert.Equal([keySet.Id], upload.ObjectIds);
        Assert.Equal(new[] { Api.Sha256Hex(keys.Parms), Api.Sha256Hex(keys.RelinKeysSeeded) }.Order(), upload.BodiesIn.Order());
        Assert.True(upload.DurationMicroseconds > 0);
        var miss = Assert.Single(entries, e => e.Action == "keysets.get" && e.Status == 404);
        Assert.Equal("client_error", miss.Outcome);

        var offline = AuditChain.VerifyJsonLines(new StringReader(export));
        Assert.True(offline.Valid, offline.Reason);
        Assert.Equal(entries.Count, offline.Entries);

        using var admin = factory.Admin();
        var all = await (await admin.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.True(all.Valid, all.Reason);
        Assert.True(all.Chains >= 2);
        // The export call itself was logged after the export was written, so the head has moved on since.
        Assert.NotEqual(offline.Heads[hospital.TenantId], all.Heads[hospital.TenantId]);
    }

    [Fact]
    public async Task An_admin_export_for_one_tenant_holds_only_that_tenants_entries_and_pages_by_after_seq()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        using var a = await factory.NewTenantAsync(Roles.Hospital);
        using var b = await factory.NewTenantAsync(Roles.Hospital);
        for (var i = 0; i < 3; i++)
        {
            using (await a.Http.GetAsync("/v1/keysets"))
            {
            }

            using (await b.Http.GetAsync("/v1/keysets"))
            {
            }
        }

        using var admin = factory.Admin();
        var all = AuditChain.ReadJsonLines(new StringReader(await admin.GetStringAsync("/v1/audit"))).ToList();
        Assert.Contains(all, e => e.TenantId == a.TenantId);
        Assert.Contains(all, e => e.TenantId == b.TenantId);

        var onlyA = AuditChain.ReadJsonLines(new StringReader(await admin.GetStringAsync($"/v1/audit?tenant_id={a.TenantId}"))).ToList();
        Assert.Equal(3, onlyA.Count(e => e.Action == "keysets.list"));
        Assert.All(onlyA, e => Assert.Equal(a.TenantId, e.TenantId));
        var verified = AuditChain.Verify(onlyA);
        Assert.True(verified.Valid, verified.Reason);

        var page = AuditChain.ReadJsonLines(new StringReader(await admin.GetStringAsync($"/v1/audit?tenant_id={a.TenantId}&after_seq={onlyA[0].Seq}&limit=2"))).ToList();
        Assert.Equal(onlyA.Skip(1).Take(2).Select(e => e.Seq), page.Select(e => e.Seq));

        var verifyA = await (await admin.GetAsync($"/v1/audit/verify?tenant_id={a.TenantId}")).ReadAsync<AuditVerificationResponse>();
        Assert.Equal(1, verifyA.Chains);
        Assert.Equal([a.TenantId], verifyA.Heads.Keys);
    }

    [Fact]
    public async Task The_signed_head_matches_the_export_and_survives_a_restart()
    {
        using var directory = new TempDirectory();
        string fingerprint;
        using (var factory = new HeComputeFactory(directory.Path))
        {
            using var a = await factory.NewTenantAsync(Roles.Hospital, Roles.Auditor);
            using var b = await factory.NewTenantAsync(Roles.Hospital);
            for (var i = 0; i < 4; i++)
            {
                using (await a.Http.GetAsync("/v1/keysets"))
                using (await b.Http.GetAsync("/v1/keysets"))
                {
                }
            }

            var head = await (await a.Http.GetAsync("/v1/audit/head")).ReadAsync<AuditHeadResponse>();
            Assert.Equal(a.TenantId, head.TenantId);
            Assert.False(head.AllTenants);
            Assert.True(AuditHeads.SignatureValid(head));
            Assert.Equal(4, head.Entries);
            // The export to the head holds exactly what it counts, though the head call itself was logged since.
            var export = AuditChain.ReadJsonLines(new StringReader(await a.Http.GetStringAsync($"/v1/audit?until_seq={head.LastSeq}"))).ToList();
            var verified = AuditHeads.Verify(export, head);
            Assert.True(verified.Valid, verified.Reason);
            var later = AuditChain.ReadJsonLines(new StringReader(await a.Http.GetStringAsync("/v1/audit"))).ToList();
            Assert.Contains(later, e => e.Action == "audit.head" && e.Seq > head.LastSeq);
            Assert.False(AuditHeads.Verify(later, head).Valid);

            // Page by page, and from a starting seq.
            var firstPage = AuditChain.ReadJsonLines(new StringReader(await a.Http.GetStringAsync($"/v1/audit?until_seq={head.LastSeq}&limit=2"))).ToList();
            Assert.Equal(export.Take(2).Select(e => e.Seq), firstPage.Select(e => e.Seq));
            var tailHead = await (await a.Http.GetAsync($"/v1/audit/head?after_seq={firstPage[^1].Seq}")).ReadAsync<AuditHeadResponse>();
            var tail = AuditChain.ReadJsonLines(new StringReader(await a.Http.GetStringAsync($"/v1/audit?after_seq={firstPage[^1].Seq}&until_seq={tailHead.LastSeq}"))).ToList();
            Assert.True(AuditHeads.Verify(tail, tailHead).Valid, AuditHeads.Verify(tail, tailHead).Reason);

            // An admin's head of every tenant names each chain's last hash.
            using var admin = factory.Admin();
            var all = await (await admin.GetAsync("/v1/audit/head")).ReadAsync<AuditHeadResponse>();
            Assert.True(all.AllTenants);
            Assert.Contains(a.TenantId, all.Heads.Keys);
            Assert.Contains(b.TenantId, all.Heads.Keys);
            var everything = AuditChain.ReadJsonLines(new StringReader(await admin.GetStringAsync($"/v1/audit?until_seq={all.LastSeq}"))).ToList();
            Assert.True(AuditHeads.Verify(everything, all).Valid, AuditHeads.Verify(everything, all).Reason);
            // Dropping one tenant's last entry leaves every chain intact but misses that chain's head.
            var lastOfB = everything.Last(e => e.TenantId == b.TenantId);
            var cut = AuditHeads.Verify([.. everything.Where(e => e != lastOfB)], all);
            Assert.False(cut.Valid);

            foreach (var bad in new[] { "limit=0", "limit=100001", "after_seq=-1" })
            {
                using var response = await a.Http.GetAsync("/v1/audit?" + bad);
                await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            }

            fingerprint = head.KeyFingerprint;
            var keyFile = Path.Combine(directory.Path, HeCompute.Server.Audit.AuditHeadSigner.KeyFileName);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }
        }

        using (var restarted = new HeComputeFactory(directory.Path))
        using (var admin = restarted.Admin())
        {
            var head = await (await admin.GetAsync("/v1/audit/head")).ReadAsync<AuditHeadResponse>();
            Assert.Equal(fingerprint, head.KeyFingerprint);
        }
    }

    [Fact]
    public async Task The_log_is_append_only_and_a_tampered_row_is_detected()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        using var hospital = await factory.NewTenantAsync(Roles.Hospital, Roles.Auditor);
        for (var i = 0; i < 3; i++)
        {
            using (await hospital.Http.GetAsync("/v1/keysets"))
            {
            }
        }

        var before = await (await hospital.Http.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.True(before.Valid, before.Reason);
        var entries = AuditChain.ReadJsonLines(new StringReader(await hospital.Http.GetStringAsync("/v1/audit"))).ToList();
        var target = entries[1];

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "hecompute.db")};Pooling=False");
        await connection.OpenAsync();
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE audit_log SET status = 500 WHERE seq = $seq;";
            update.Parameters.AddWithValue("$seq", target.Seq);
            var refused = await Assert.ThrowsAsync<SqliteException>(() => update.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        }

        // Someone with write access to the file drops the guard and rewrites history: the chain shows it.
        await using (var tamper = connection.CreateCommand())
        {
            tamper.CommandText = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET status = 500, outcome = 'server_error' WHERE seq = $seq;";
            tamper.Parameters.AddWithValue("$seq", target.Seq);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var after = await (await hospital.Http.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.False(after.Valid);
        Assert.Equal(target.Seq, after.FirstInvalidSeq);
        Assert.Contains("altered", after.Reason, StringComparison.Ordinal);

        // Recomputing the tampered row's hash does not help: the next entry no longer links to it.
        var export = AuditChain.ReadJsonLines(new StringReader(await hospital.Http.GetStringAsync("/v1/audit"))).ToList();
        var forged = export.Select(e => e.Seq == target.Seq ? e with { Hash = AuditChain.ComputeHash(e.PrevHash, e) } : e).ToList();
        var relinked = AuditChain.Verify(forged);
        Assert.False(relinked.Valid);
        Assert.Equal(entries[2].Seq, relinked.FirstInvalidSeq);

        // Removing an entry breaks the link as well.
        var removed = AuditChain.Verify(entries.Where(e => e.Seq != target.Seq));
        Assert.False(removed.Valid);
    }
}
