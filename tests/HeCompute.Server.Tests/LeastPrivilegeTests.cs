using System.Net;
using System.Net.Http.Json;
using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

public sealed class LeastPrivilegeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HeComputeFactory Factory => fixture.Factory;

    [Fact]
    public async Task Erasure_needs_the_tenants_owner_and_a_confirmation_naming_the_tenant()
    {
        using var hospital = await Factory.NewTenantAsync(Roles.Hospital);
        using var owner = await Factory.NewKeyAsync(hospital.TenantId, Roles.TenantAdmin);
        using var other = await Factory.NewTenantAsync(Roles.Hospital);
        using var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.PublicKey, KeyMaterial.Shared.PublicKeySeeded));
        var keySet = await Api.UploadAsync(hospital.Http, form);

        // A hospital key may delete its key sets one by one, but not wipe the tenant.
        using (var response = await hospital.Http.DeleteAsync("/v1/tenant/data?confirm=" + hospital.TenantId))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }

        foreach (var query in new[] { "", "?confirm=", "?confirm=" + other.TenantId, "?confirm=" + hospital.TenantId.ToUpperInvariant() })
        {
            using var response = await owner.Http.DeleteAsync("/v1/tenant/data" + query);
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty("confirm", out _), problem.ToString());
        }

        using (var response = await owner.Http.DeleteAsync($"/v1/admin/tenants/{other.TenantId}/data?confirm={other.TenantId}"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using (var stillThere = await hospital.Http.GetAsync($"/v1/keysets/{keySet.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        }

        using (var response = await owner.Http.DeleteAsync("/v1/tenant/data?confirm=" + hospital.TenantId))
        {
            Assert.Equal(1, (await response.ReadAsync<TenantErasureResponse>()).KeySets);
        }

        using (var gone = await hospital.Http.GetAsync($"/v1/keysets/{keySet.Id}"))
        {
            await Api.AssertProblemAsync(gone, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        // The global admin erases any tenant, with the same confirmation.
        using var admin = Factory.Admin();
        using (var response = await admin.DeleteAsync($"/v1/admin/tenants/{other.TenantId}/data"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        }

        using (var response = await admin.DeleteAsync($"/v1/admin/tenants/{other.TenantId}/data?confirm={other.TenantId}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Admin_keys_exist_only_in_the_system_tenant_and_tenant_admins_manage_only_their_own_keys()
    {
        using var admin = Factory.Admin();
        using var a = await Factory.NewTenantAsync(Roles.TenantAdmin);
        using var b = await Factory.NewTenantAsync(Roles.Hospital);

        using (var response = await admin.PostAsJsonAsync($"/v1/admin/tenants/{b.TenantId}/keys", new CreateApiKeyRequest("root", [Roles.Hospital, Roles.Admin]), HeComputeJson.Options))
        {
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            Assert.Contains("system tenant", problem.GetProperty("errors").GetProperty("roles")[0].GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(await admin.GetFromJsonAsync<ApiKeyResponse[]>($"/v1/admin/tenants/{b.TenantId}/keys", HeComputeJson.Options) ?? [], k => k.Roles.Contains(Roles.Admin));

        // A second global admin is created in the system tenant, and is one.
        using (var response = await admin.PostAsJsonAsync($"/v1/admin/tenants/{BootstrapAdmin.SystemTenantId}/keys", new CreateApiKeyRequest("ops", [Roles.Admin]), HeComputeJson.Options))
        {
            var created = await response.ReadAsync<CreatedApiKeyResponse>();
            using var second = Factory.Client(created.Secret);
            Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/v1/admin/tenants")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/admin/keys/{created.Key.Id}/revoke", null)).StatusCode);
        }

        // A tenant admin: its own tenant's keys, without the admin role; nothing of another tenant, no tenant list.
        CreatedApiKeyResponse own;
        using (var response = await a.Http.PostAsJsonAsync($"/v1/admin/tenants/{a.TenantId}/keys", new CreateApiKeyRequest("lab", [Roles.Hospital]), HeComputeJson.Options))
        {
            own = await response.ReadAsync<CreatedApiKeyResponse>();
            Assert.Equal(a.TenantId, own.Key.TenantId);
        }

        using (var response = await a.Http.PostAsJsonAsync($"/v1/admin/tenants/{a.TenantId}/keys", new CreateApiKeyRequest("up", [Roles.Admin]), HeComputeJson.Options))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        }

        foreach (var tenant in new[] { b.TenantId, BootstrapAdmin.SystemTenantId })
        {
            using (var response = await a.Http.PostAsJsonAsync($"/v1/admin/tenants/{tenant}/keys", new CreateApiKeyRequest("x", [Roles.Hospital]), HeComputeJson.Options))
            {
                await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
            }

            using (var response = await a.Http.GetAsync($"/v1/admin/tenants/{tenant}/keys"))
            {
                await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
            }
        }

        using (var response = await a.Http.PostAsync($"/v1/admin/keys/{b.KeyId}/revoke", null))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        Assert.Equal(HttpStatusCode.OK, (await b.Http.GetAsync("/v1/keysets")).StatusCode);
        using (var response = await a.Http.GetAsync("/v1/admin/tenants"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }

        var listed = await a.Http.GetFromJsonAsync<ApiKeyResponse[]>($"/v1/admin/tenants/{a.TenantId}/keys", HeComputeJson.Options);
        Assert.Contains(listed!, k => k.Id == own.Key.Id);
        using var lab = Factory.Client(own.Secret);
        Assert.Equal(HttpStatusCode.OK, (await lab.GetAsync("/v1/keysets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.Http.PostAsync($"/v1/admin/keys/{own.Key.Id}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lab.GetAsync("/v1/keysets")).StatusCode);
    }

    [Fact]
    public async Task An_admin_key_left_inside_a_hospital_tenant_is_no_superuser()
    {
        using var hospital = await Factory.NewTenantAsync(Roles.Hospital);
        using var other = await Factory.NewTenantAsync(Roles.Hospital);
        // What an older server let an admin create; the API refuses it now, so it is stored directly.
        var (id, secret) = ApiKeyToken.Generate();
        await Factory.Services.GetRequiredService<IMetadataStore>().ApiKeys.UpsertAsync(
            new ApiKeyRecord(id, hospital.TenantId, "stale admin", [Roles.Admin], ApiKeyToken.Hash(secret), DateTimeOffset.UtcNow, null), CancellationToken.None);
        using var stale = Factory.Client(secret);

        Assert.Equal(HttpStatusCode.OK, (await stale.GetAsync("/v1/me")).StatusCode);
        foreach (var path in new[] { "/v1/admin/tenants", $"/v1/admin/tenants/{other.TenantId}/keys", "/v1/audit?tenant_id=" + other.TenantId, "/v1/audit" })
        {
            using var response = await stale.GetAsync(path);
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }

        using (var response = await stale.DeleteAsync($"/v1/admin/tenants/{other.TenantId}/data?confirm={other.TenantId}"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        }
    }
}
