using System.Net;
using System.Net.Http.Json;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

public sealed class AuthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    [Fact]
    public async Task Missing_key_is_401_problem_with_challenge()
    {
        using var client = Factory.Client(null);
        using var response = await client.GetAsync("/v1/keysets");
        await Api.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_key_is_401_problem()
    {
        using var client = Factory.Client("hck_0123456789abcdef_not-the-secret-at-all-0000000000000000000");
        using var response = await client.GetAsync("/v1/keysets");
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains("invalid", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        using var garbage = Factory.Client("x");
        using var second = await garbage.GetAsync("/v1/me");
        await Api.AssertProblemAsync(second, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Right_secret_under_another_key_id_is_rejected()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using var other = await Factory.NewTenantAsync(Roles.Hospital);
        // Both keys are live: each authenticates with its own secret, so a 401 below can only come from the pairing.
        foreach (var live in new[] { tenant, other })
        {
            using var ok = await live.Http.GetAsync("/v1/me");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The first key's secret presented under the second key's (real) id: must not authenticate as either.
        var otherKeyId = other.Secret[4..20];
        Assert.NotEqual(tenant.Secret[4..20], otherKeyId);
        var forged = tenant.Secret[..4] + otherKeyId + tenant.Secret[20..];
        using var client = Factory.Client(forged);
        using var response = await client.GetAsync("/v1/me");
        await Api.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        // Refused for the reason the name gives: the id is known, the secret is not its secret.
        Assert.Contains($"API key {otherKeyId} rejected: wrong secret", string.Join('\n', Factory.Logs.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_key_is_401_immediately()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using (var before = await tenant.Http.GetAsync("/v1/keysets"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var admin = Factory.Admin();
        using (var revoke = await admin.PostAsync($"/v1/admin/keys/{tenant.KeyId}/revoke", null))
        {
            var revoked = await revoke.ReadAsync<ApiKeyResponse>();
            Assert.NotNull(revoked.RevokedAt);
        }

        using var after = await tenant.Http.GetAsync("/v1/keysets");
        await Api.AssertProblemAsync(after, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Wrong_role_is_403_problem()
    {
        using var auditor = await Factory.NewTenantAsync(Roles.Auditor);
        using (var response = await auditor.Http.GetAsync("/v1/keysets"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }

        using (var response = await auditor.Http.PostAsJsonAsync("/v1/admin/tenants", new CreateTenantRequest("x"), HeComputeJson.Options))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }

        using var hospital = await Factory.NewTenantAsync(Roles.Hospital);
        using (var response = await hospital.Http.GetAsync("/v1/audit"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }
    }

    [Fact]
    public async Task X_Api_Key_header_authenticates_and_me_reports_scope()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital, Roles.Auditor);
        using var client = Factory.Client(null);
        client.DefaultRequestHeaders.Add("X-Api-Key", tenant.Secret);
        var me = await (await client.GetAsync("/v1/me")).ReadAsync<WhoAmIResponse>();
        Assert.Equal(tenant.TenantId, me.TenantId);
        Assert.Equal(tenant.KeyId, me.KeyId);
        Assert.Equal([Roles.Hospital, Roles.Auditor], me.Roles);
    }

    [Fact]
    public async Task Key_creation_validates_roles_and_never_lists_secrets()
    {
        using var admin = Factory.Admin();
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using (var bad = await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenant.TenantId}/keys", new CreateApiKeyRequest("k", ["root"]), HeComputeJson.Options))
        {
            var problem = await Api.AssertProblemAsync(bad, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty("roles", out _));
        }

        using (var missing = await admin.PostAsJsonAsync("/v1/admin/tenants/t_nope/keys", new CreateApiKeyRequest("k", [Roles.Hospital]), HeComputeJson.Options))
        {
            await Api.AssertProblemAsync(missing, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        var listed = await admin.GetStringAsync($"/v1/admin/tenants/{tenant.TenantId}/keys");
        Assert.Contains(tenant.KeyId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Malformed_json_and_wrong_media_type_are_problems()
    {
        using var admin = Factory.Admin();
        using (var response = await admin.PostAsync("/v1/admin/tenants", new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json")))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.BadRequest);
        }

        using (var response = await admin.PostAsync("/v1/admin/tenants", new StringContent("name=x", System.Text.Encoding.UTF8, "text/plain")))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
        }

        using (var response = await admin.GetAsync("/v1/no-such-endpoint"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }
    }
}
