using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HeCompute.Contracts;
using HeCompute.Server.Endpoints.ConsoleUi;
using HeCompute.Server.Jobs;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

/// <summary>
/// The web console over HTTP: the first user created by a tenant admin, TOTP enrolment and sign-in, recovery codes,
/// lockout, idle timeout, cookie attributes, antiforgery, tenant isolation, and pages showing the API's numbers.
/// Tests shift this class's own server clock (the TOTP codes and the cookie expiry follow it).
/// </summary>
public sealed partial class ConsoleTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private const string Password = "correct horse battery staple";

    private const string TinyModel =
        """{"format":"hecompute-model","formatVersion":1,"kind":"logistic-regression","input":{"features":["a","b"],"lower":[-1,-1],"upper":[1,1],"mean":[0,0],"scale":[1,1]},"layers":[{"type":"dense","weights":[[0.5,-0.25]],"bias":[0.1]}],"outputs":["logit"]}""";

    private HeComputeFactory Factory => fixture.Factory;

    public void Dispose() => Factory.Time.Offset = TimeSpan.Zero;

    /// <summary>Moves the server clock past the current TOTP step, so the next code is a fresh one (each step is accepted once).</summary>
    private void NextStep() => Factory.Time.Offset += TimeSpan.FromSeconds(30);

    private async Task<(TestTenant Admin, string UserName)> TenantWithUserAsync(params string[] roles)
    {
        var admin = await Factory.NewTenantAsync(Roles.TenantAdmin);
        var userName = "user" + Guid.NewGuid().ToString("N")[..8];
        await ConsoleClient.CreateUserAsync(admin.Http, admin.TenantId, userName, Password, roles.Length == 0 ? [Roles.Hospital, Roles.Auditor] : roles);
        return (admin, userName);
    }

    private async Task<List<AuditEntry>> AuditAsync(string tenantId)
    {
        using var admin = Factory.Admin();
        var lines = await admin.GetStringAsync($"/v1/audit?tenant_id={tenantId}");
        return [.. lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<AuditEntry>(l, HeComputeJson.Options)!)];
    }

    [Fact]
    public async Task A_tenant_admin_creates_the_first_user_who_enrols_totp_from_the_qr_code_and_signs_in_with_password_and_code()
    {
        using var admin = await Factory.NewTenantAsync(Roles.TenantAdmin);
        var created = await ConsoleClient.CreateUserAsync(admin.Http, admin.TenantId, "dr.who", Password, Roles.Hospital, Roles.Auditor);
        Assert.Equal((admin.TenantId, "dr.who", false, 0), (created.TenantId, created.UserName, created.TotpEnabled, created.RecoveryCodesLeft));
        var listed = await (await admin.Http.GetAsync($"/v1/admin/tenants/{admin.TenantId}/users")).Content.ReadAsStringAsync();
        Assert.Contains(created.Id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", listed, StringComparison.OrdinalIgnoreCase);

        using var browser = new ConsoleClient(Factory);
        var (status, _, location) = await browser.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("https://localhost/console/signin", location!.ToString(), StringComparison.Ordinal);

        var (_, _, next) = await browser.PasswordAsync(admin.TenantId, "dr.who", Password);
        Assert.Equal("/console/enrol", next!.OriginalString);
        var (_, enrolPage, _) = await browser.GetAsync("/console/enrol");
        Assert.Contains("<svg", enrolPage, StringComparison.Ordinal);
        var uri = WebUtility.HtmlDecode(OtpAuthPattern().Match(enrolPage).Groups[1].Value);
        Assert.StartsWith("otpauth://totp/HeCompute%3Adr.who%40" + admin.TenantId, uri, StringComparison.Ordinal);
        var shownSecret = SecretPattern().Match(enrolPage).Groups[1].Value;
        Assert.Contains("secret=" + shownSecret + "&issuer=HeCompute", uri, StringComparison.Ordinal);
        // The enrolment is not a session yet.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console")).Status);

        var (wrong, wrongPage, _) = await browser.PostAsync("/console/enrol", new Dictionary<string, string> { ["code"] = "000000", ["__csrf"] = ConsoleClient.Token(enrolPage) });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Contains("id=\"enrol-error\"", wrongPage, StringComparison.Ordinal);
        Assert.Contains(shownSecret, wrongPage, StringComparison.Ordinal);

        var codes = await browser.EnrolAsync(admin.TenantId, "dr.who", Password);
        Assert.Equal(10, codes.Count);
        Assert.Equal(shownSecret, OtpNet.Base32Encoding.ToString(browser.Secret).TrimEnd('='));
        var (overview, overviewPage, _) = await browser.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, overview);
        Assert.Contains("never shows a decrypted value", overviewPage, StringComparison.Ordinal);
        Assert.Contains(admin.TenantId, overviewPage, StringComparison.Ordinal);

        // Sign out (a form post), then in again with password and a fresh code.
        var (_, _, signedOut) = await browser.SubmitAsync("/console", new Dictionary<string, string>(), "/console/signout");
        Assert.Equal("/console/signin", signedOut!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console")).Status);
        NextStep();
        var (signedIn, _, home) = await browser.SignInAsync(admin.TenantId, "dr.who", Password);
        Assert.Equal((HttpStatusCode.Redirect, "/console"), (signedIn, home!.OriginalString));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console")).Status);

        var actions = (await AuditAsync(admin.TenantId)).Where(e => e.Action.StartsWith("console.", StringComparison.Ordinal)).Select(e => (e.Action, e.Status)).ToList();
        Assert.Equal(
            [("console.signin.password", 200), ("console.mfa.enrol", 401), ("console.signin.password", 200), ("console.mfa.enrol", 200), ("console.signout", 200),
             ("console.signin.password", 200), ("console.signin.totp", 200)],
            actions);
        var user = Assert.Single(await (await admin.Http.GetAsync($"/v1/admin/tenants/{admin.TenantId}/users")).ReadAsync<List<UserResponse>>());
        Assert.Equal((true, 10), (user.TotpEnabled, user.RecoveryCodesLeft));
    }

    [Fact]
    public async Task A_wrong_or_replayed_code_is_refused_and_a_recovery_code_signs_in_once()
    {
        var (admin, userName) = await TenantWithUserAsync();
        using var _ = admin;
        using var browser = new ConsoleClient(Factory);
        var codes = await browser.EnrolAsync(admin.TenantId, userName, Password);

        // The code just used for the enrolment is spent: the same step is refused.
        using var replay = new ConsoleClient(Factory);
        var (replayed, replayPage, _) = await replay.SignInAsync(admin.TenantId, userName, Password, browser.Code());
        Assert.Equal(HttpStatusCode.Unauthorized, replayed);
        Assert.Contains("id=\"code-error\"", replayPage, StringComparison.Ordinal);
        var wrong = browser.Code() == "123456" ? "654321" : "123456";
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.SignInAsync(admin.TenantId, userName, Password, wrong)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/console")).Status);

        using var recovery = new ConsoleClient(Factory);
        var (signedIn, _, home) = await recovery.SignInAsync(admin.TenantId, userName, Password, codes[3].ToUpperInvariant());
        Assert.Equal((HttpStatusCode.Redirect, "/console"), (signedIn, home!.OriginalString));
        using var again = new ConsoleClient(Factory);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.SignInAsync(admin.TenantId, userName, Password, codes[3])).Status);
        var audit = await AuditAsync(admin.TenantId);
        Assert.Single(audit, e => e.Action == "console.signin.recovery-code");
        Assert.Equal(3, audit.Count(e => e.Action == "console.signin.totp" && e.Status == 401));
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password_until_the_lockout_ends()
    {
        var (admin, userName) = await TenantWithUserAsync();
        using var _ = admin;
        using var browser = new ConsoleClient(Factory);
        await browser.EnrolAsync(admin.TenantId, userName, Password);
        NextStep();

        using var attacker = new ConsoleClient(Factory);
        for (var i = 0; i < 4; i++)
        {
            var (failed, page, _) = await attacker.PasswordAsync(admin.TenantId, userName, "wrong password " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, failed);
            Assert.Contains("The tenant, user name or password is wrong.", page, StringComparison.Ordinal);
        }

        // The fifth failure is a wrong second factor after the right password: it counts too.
        var (fifth, lockedPage, _) = await attacker.SignInAsync(admin.TenantId, userName, Password, "000000" == browser.Code() ? "111111" : "000000");
        Assert.Equal(HttpStatusCode.Unauthorized, fifth);
        Assert.Contains("this account is locked until", lockedPage, StringComparison.Ordinal);

        using var owner = new ConsoleClient(Factory) { Secret = browser.Secret };
        var (refused, refusedPage, location) = await owner.PasswordAsync(admin.TenantId, userName, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Null(location);
        Assert.Contains("this account is locked until", refusedPage, StringComparison.Ordinal);
        var audit = await AuditAsync(admin.TenantId);
        Assert.Single(audit, e => e.Action == "console.lockout");
        Assert.Single(audit, e => e.Action == "console.signin.locked");

        Factory.Time.Offset += TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1);
        var (signedIn, _, home) = await owner.SignInAsync(admin.TenantId, userName, Password);
        Assert.Equal((HttpStatusCode.Redirect, "/console"), (signedIn, home!.OriginalString));
    }

    [Fact]
    public async Task A_session_slides_while_used_and_ends_after_twenty_idle_minutes()
    {
        var (admin, userName) = await TenantWithUserAsync();
        using var _ = admin;
        using var browser = new ConsoleClient(Factory);
        await browser.EnrolAsync(admin.TenantId, userName, Password);
        for (var i = 0; i < 3; i++)
        {
            Factory.Time.Offset += TimeSpan.FromMinutes(15);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console")).Status);
        }

        Factory.Time.Offset += TimeSpan.FromMinutes(20) + TimeSpan.FromSeconds(5);
        var (status, _, location) = await browser.GetAsync("/console/keysets");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("https://localhost/console/signin", location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_pending_and_antiforgery_cookies_are_host_only_secure_http_only_same_site_strict_and_never_persistent()
    {
        var (admin, userName) = await TenantWithUserAsync();
        using var _ = admin;
        using var browser = new ConsoleClient(Factory);
        await browser.EnrolAsync(admin.TenantId, userName, Password);
        foreach (var name in new[] { ConsoleAuth.SessionCookie, ConsoleAuth.PendingCookie, ConsoleAuth.AntiforgeryCookie })
        {
            Assert.True(browser.SetCookies.TryGetValue(name, out var header), $"{name} was never set");
            var attributes = header.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
            Assert.StartsWith("__Host-", name, StringComparison.Ordinal);
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
            // A pending cookie is deleted with an expiry in the past; a live one never has an expiry (gone with the browser).
            if (!header.StartsWith(name + "=;", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(attributes, a => a.StartsWith("expires=", StringComparison.Ordinal) || a.StartsWith("max-age=", StringComparison.Ordinal));
            }
        }

        Assert.Contains("path=/", browser.SetCookies[ConsoleAuth.SessionCookie].Split(';', StringSplitOptions.TrimEntries).Select(a => a.ToLowerInvariant()));
        using var page = await browser.Http.GetAsync("/console");
        Assert.Contains("form-action 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cross_site_form_post_without_the_pages_token_is_refused_and_changes_nothing()
    {
        var (admin, userName) = await TenantWithUserAsync();
        using var _ = admin;
        using var hospital = await Factory.NewKeyAsync(admin.TenantId, Roles.Hospital);
        using var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.PublicKey, KeyMaterial.Shared.PublicKeySeeded));
        var keySet = await Api.UploadAsync(hospital.Http, form);
        using var browser = new ConsoleClient(Factory);
        await browser.EnrolAsync(admin.TenantId, userName, Password);

        // What a page on another site can send: the session cookie rides along, the token it cannot read does not.
        using var attack = new HttpRequestMessage(HttpMethod.Post, "/console/keysets?handler=delete")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = keySet.Id }),
        };
        attack.Headers.Add("Origin", "https://evil.example");
        using var refused = await browser.Http.SendAsync(attack);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // A token of another session is no better.
        using var other = new ConsoleClient(Factory);
        var (_, signInPage, _) = await other.GetAsync("/console/signin");
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await browser.PostAsync("/console/keysets?handler=delete", new Dictionary<string, string> { ["id"] = keySet.Id, ["__csrf"] = ConsoleClient.Token(signInPage) })).Status);
        // Signing out is a form post too.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/console/signout", new Dictionary<string, string>())).Status);
        Assert.Equal(HttpStatusCode.OK, (await hospital.Http.GetAsync($"/v1/keysets/{keySet.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console")).Status);

        // The page's own form, with its token, deletes.
        var (deleted, page, _) = await browser.SubmitAsync("/console/keysets", new Dictionary<string, string> { ["id"] = keySet.Id }, "/console/keysets?handler=delete");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Contains("id=\"keysets-message\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await hospital.Http.GetAsync($"/v1/keysets/{keySet.Id}")).StatusCode);
        Assert.Single(await AuditAsync(admin.TenantId), e => e.Action == "console.keysets.delete" && e.ObjectIds.Contains(keySet.Id));
    }

    [Fact]
    public async Task An_api_key_opens_no_console_page_and_a_session_cookie_opens_no_api_call()
    {
        var (admin, userName) = await TenantWithUserAsync();
        using var _ = admin;
        using var hospital = await Factory.NewKeyAsync(admin.TenantId, Roles.Hospital, Roles.Auditor);
        using var keyed = new ConsoleClient(Factory);
        keyed.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", hospital.Secret);
        foreach (var path in new[] { "/console", "/console/keysets", "/console/jobs", "/console/models", "/console/audit", "/console/audit/export" })
        {
            var (status, html, location) = await keyed.GetAsync(path);
            Assert.True(status == HttpStatusCode.Redirect, $"{path} with an API key: {status} {html}");
            Assert.StartsWith("https://localhost/console/signin", location!.ToString(), StringComparison.Ordinal);
        }

        // The event stream is an API endpoint to ASP.NET Core: a challenge there answers 401 instead of a redirect.
        using var events = await keyed.Http.GetAsync("/console/jobs/events");
        await Api.AssertProblemAsync(events, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);

        // Over plain HTTP the console answers a problem, never a page whose Secure cookies could not work.
        using var plain = await hospital.Http.GetAsync("/console/signin");
        await Api.AssertProblemAsync(plain, HttpStatusCode.BadRequest, ProblemTypes.BadRequest);

        using var browser = new ConsoleClient(Factory);
        await browser.EnrolAsync(admin.TenantId, userName, Password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("/v1/keysets")).StatusCode);
    }

    [Fact]
    public async Task Another_tenants_objects_never_appear_by_navigation_or_by_guessing_their_urls()
    {
        var own = await WorldAsync();
        var foreign = await WorldAsync();
        using var browser = new ConsoleClient(Factory);
        await browser.EnrolAsync(own.TenantId, own.UserName, Password);

        foreach (var page in new[] { "/console", "/console/keysets", "/console/jobs", "/console/models", "/console/audit", "/console/audit/export" })
        {
            var (status, html, _) = await browser.GetAsync(page);
            Assert.True(status == HttpStatusCode.OK, $"{page}: {status}");
            foreach (var id in new[] { foreign.TenantId, foreign.KeySetId, foreign.JobId, foreign.ModelId })
            {
                Assert.DoesNotContain(id, html, StringComparison.Ordinal);
            }
        }

        var (_, keySets, _) = await browser.GetAsync("/console/keysets");
        Assert.Contains(own.KeySetId, keySets, StringComparison.Ordinal);
        var (_, jobs, _) = await browser.GetAsync("/console/jobs");
        Assert.Contains(own.JobId, jobs, StringComparison.Ordinal);
        var (_, models, _) = await browser.GetAsync("/console/models");
        Assert.Contains(own.ModelId, models, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/console/jobs/{foreign.JobId}/results/{StepsJob.ResultName}")).Status);
        var (download, bytes, _) = await browser.GetAsync($"/console/jobs/{own.JobId}/results/{StepsJob.ResultName}");
        Assert.Equal(HttpStatusCode.OK, download);
        Assert.NotEmpty(bytes);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await browser.SubmitAsync("/console/keysets", new Dictionary<string, string> { ["id"] = foreign.KeySetId }, "/console/keysets?handler=delete")).Status);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await browser.SubmitAsync("/console/jobs", new Dictionary<string, string> { ["id"] = foreign.JobId }, "/console/jobs?handler=cancel")).Status);
        Assert.Equal(HttpStatusCode.OK, (await foreign.Hospital.GetAsync($"/v1/keysets/{foreign.KeySetId}")).StatusCode);
        Assert.Equal(
            JobState.Succeeded,
            (await (await foreign.Hospital.GetAsync($"/v1/jobs/{foreign.JobId}")).ReadAsync<JobResponse>()).State);

        // A user of one tenant is unknown in another, even with the right password.
        using var elsewhere = new ConsoleClient(Factory);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.PasswordAsync(foreign.TenantId, own.UserName, Password)).Status);
    }

    [Fact]
    public async Task Each_page_shows_the_same_numbers_as_the_api_for_the_same_tenant()
    {
        var world = await WorldAsync();
        using var second = Api.KeySetForm(
            (KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.PublicKey, KeyMaterial.Shared.PublicKeySeeded), (KeySetParts.RelinKeys, KeyMaterial.Shared.RelinKeysSeeded));
        await Api.UploadAsync(world.Hospital, second);
        using var browser = new ConsoleClient(Factory);
        await browser.EnrolAsync(world.TenantId, world.UserName, Password);

        var keySets = (await (await world.Hospital.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items;
        var jobs = (await (await world.Hospital.GetAsync("/v1/jobs")).ReadAsync<JobListResponse>()).Items;
        var models = (await (await world.Hospital.GetAsync("/v1/models")).ReadAsync<ModelListResponse>()).Items;
        var (_, overview, _) = await browser.GetAsync("/console");
        Assert.Equal(Number(keySets.Count), Stat(overview, "stat-keysets"));
        Assert.Equal(Number(keySets.Sum(k => k.TotalBytes)), Stat(overview, "stat-keybytes"));
        Assert.Equal(Number(jobs.Count(j => j.State == JobState.Running)), Stat(overview, "stat-jobs-running"));
        Assert.Equal(Number(models.Count), Stat(overview, "stat-models"));

        var (_, keySetPage, _) = await browser.GetAsync("/console/keysets");
        foreach (var keySet in keySets)
        {
            var row = Row(keySetPage, "keyset-" + keySet.Id);
            Assert.Contains($"<td class=\"num\" data-bytes>{Number(keySet.TotalBytes)}</td>", row, StringComparison.Ordinal);
            Assert.Contains($"<td class=\"num\">{Number((long)keySet.PolyModulusDegree)}</td>", row, StringComparison.Ordinal);
        }

        var (_, jobPage, _) = await browser.GetAsync("/console/jobs");
        foreach (var job in jobs)
        {
            var row = Row(jobPage, "job-" + job.Id);
            Assert.Contains($"<td data-state>{job.State.ToString().ToLowerInvariant()}</td>", row, StringComparison.Ordinal);
            Assert.Contains($"<span data-percent>{(int)Math.Round(job.Progress * 100)}%</span>", row, StringComparison.Ordinal);
        }

        var (_, modelPage, _) = await browser.GetAsync("/console/models");
        var model = Assert.Single(models, m => m.Id == world.ModelId);
        var modelRow = Row(modelPage, "model-" + model.Id);
        Assert.Contains($"<span data-depth>{model.Plan.Precision.Depth}</span>", modelRow, StringComparison.Ordinal);
        Assert.Contains($"<span data-levels-left>{model.Plan.Precision.LevelsLeft}</span>", modelRow, StringComparison.Ordinal);
        Assert.Contains(
            $"data-key-bytes>{Number(model.Plan.Sizes.PublicKeyBytes + (model.Plan.Keys.RelinearizationKeys ? model.Plan.Sizes.RelinKeysBytes : 0) + model.Plan.Sizes.GaloisKeysBytes)}<",
            modelRow,
            StringComparison.Ordinal);

        // Console pages are not API calls: nothing is appended between the page's verification and the API's.
        var (_, auditPage, _) = await browser.GetAsync("/console/audit");
        using var auditor = await Factory.NewKeyAsync(world.TenantId, Roles.Auditor);
        var verified = await (await auditor.Http.GetAsync("/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.True(verified.Valid);
        Assert.Contains("id=\"chain-status\" role=\"status\">PASS", auditPage, StringComparison.Ordinal);
        Assert.Equal(Number(verified.Entries), Stat(auditPage, "chain-entries"));
        Assert.Equal(verified.Chains.ToString(System.Globalization.CultureInfo.InvariantCulture), Stat(auditPage, "chain-count"));
    }

    [Fact]
    public async Task A_broken_chain_is_shown_as_a_failure_on_the_audit_page()
    {
        // Its own server: the tampering drops the audit log's append-only guard.
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        using var admin = await factory.NewTenantAsync(Roles.TenantAdmin);
        await ConsoleClient.CreateUserAsync(admin.Http, admin.TenantId, "auditor", Password, Roles.Auditor);
        using var browser = new ConsoleClient(factory);
        await browser.EnrolAsync(admin.TenantId, "auditor", Password);
        Assert.Contains("id=\"chain-status\" role=\"status\">PASS", (await browser.GetAsync("/console/audit")).Html, StringComparison.Ordinal);

        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory.Path, "hecompute.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText =
                "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET status = 299 WHERE seq = (SELECT MIN(seq) FROM audit_log WHERE tenant_id = $t AND action = 'console.mfa.enrol');";
            tamper.Parameters.AddWithValue("$t", admin.TenantId);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var (_, page, _) = await browser.GetAsync("/console/audit");
        Assert.Contains("id=\"chain-status\" role=\"alert\">FAIL at entry", page, StringComparison.Ordinal);
    }

    private async Task<World> WorldAsync()
    {
        var (admin, userName) = await TenantWithUserAsync();
        using var _ = admin;
        var hospital = await Factory.NewKeyAsync(admin.TenantId, Roles.Hospital);
        using var modelAdmin = await Factory.NewKeyAsync(admin.TenantId, Roles.ModelAdmin);
        using var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.PublicKey, KeyMaterial.Shared.PublicKeySeeded));
        var keySet = await Api.UploadAsync(hospital.Http, form);
        var job = await Factory.Services.GetRequiredService<JobQueue>().EnqueueAsync(admin.TenantId, ResumableStepsHandler.Kind, new StepsInput(1, 1), CancellationToken.None);
        await Api.WaitForJobAsync(hospital.Http, job.Id, j => j.State == JobState.Succeeded);
        using var registered = await modelAdmin.Http.PostAsJsonAsync(
            "/v1/models", new RegisterModelRequest("tiny-" + admin.TenantId, JsonDocument.Parse(TinyModel).RootElement), HeComputeJson.Options);
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var model = await registered.ReadAsync<ModelResponse>();
        return new World(admin.TenantId, userName, hospital.Http, keySet.Id, job.Id, model.Id);
    }

    private static string Number(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Stat(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{id}\">([^<]*)<");
        Assert.True(match.Success, $"{id} not on the page");
        return match.Groups[1].Value;
    }

    private static string Row(string html, string id)
    {
        var start = html.IndexOf($"<tr id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"row {id} not on the page");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<p class=\"mono\" id=\"otpauth-uri\" hidden>([^<]+)</p>")]
    private static partial Regex OtpAuthPattern();

    [GeneratedRegex("<code id=\"totp-secret\">([A-Z2-7]+)</code>")]
    private static partial Regex SecretPattern();

    private sealed record World(string TenantId, string UserName, HttpClient Hospital, string KeySetId, string JobId, string ModelId);
}
