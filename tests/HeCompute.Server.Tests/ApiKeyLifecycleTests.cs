using System.Net;
using System.Net.Http.Json;
using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Storage.Sqlite;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Tests;

/// <summary>API-key expiry (and the migration that adds it) and rotation. Tests shift this class's own server clock.</summary>
public sealed class ApiKeyLifecycleTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private HeComputeFactory Factory => fixture.Factory;

    public void Dispose() => Factory.Time.Offset = TimeSpan.Zero;

    [Fact]
    public async Task Key_with_expiry_works_until_it_and_is_then_401_saying_it_expired()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        var expiresAt = Factory.Time.GetUtcNow().AddHours(1);
        var key = await CreateKeyAsync(tenant.TenantId, new CreateApiKeyRequest("short-lived", [Roles.Hospital], expiresAt));
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), key.Key.ExpiresAt!.Value.ToUnixTimeSeconds());
        using var client = Factory.Client(key.Secret);
        using (var before = await client.GetAsync("/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        Factory.Time.Offset = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1);
        using var after = await client.GetAsync("/v1/me");
        var problem = await Api.AssertProblemAsync(after, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("expired", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains($"API key {key.Key.Id} rejected: expired", string.Join('\n', Factory.Logs.Messages), StringComparison.Ordinal);

        // A key without an expiry is unaffected by the same clock.
        using var unlimited = await tenant.Http.GetAsync("/v1/me");
        Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(0)]
    [InlineData((CreateApiKeyRequest.MaxLifetimeDays * 86400) + 3600)]
    public async Task Expiry_in_the_past_or_beyond_two_years_is_a_validation_problem(long secondsFromNow)
    {
        using var tenant = await Factory.NewTenantAsync(Roles.TenantAdmin);
        var request = new CreateApiKeyRequest("k", [Roles.Hospital], Factory.Time.GetUtcNow().AddSeconds(secondsFromNow));
        using var response = await tenant.Http.PostAsJsonAsync($"/v1/admin/tenants/{tenant.TenantId}/keys", request, HeComputeJson.Options);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("expires_at", out _));
    }

    [Fact]
    public async Task Expiry_shows_in_the_key_list()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.TenantAdmin);
        var expiresAt = Factory.Time.GetUtcNow().AddDays(30);
        var created = await CreateKeyAsync(tenant.TenantId, new CreateApiKeyRequest("monthly", [Roles.Auditor], expiresAt));
        var keys = await (await tenant.Http.GetAsync($"/v1/admin/tenants/{tenant.TenantId}/keys")).ReadAsync<IReadOnlyList<ApiKeyResponse>>();
        Assert.Null(Assert.Single(keys, k => k.Id == tenant.KeyId).ExpiresAt);
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), Assert.Single(keys, k => k.Id == created.Key.Id).ExpiresAt!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_database_from_before_key_expiry_migrates_and_its_keys_keep_working()
    {
        using var directory = new TempDirectory();
        var (keyId, secret) = ApiKeyToken.Generate();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "hecompute.db")}"))
        {
            await connection.OpenAsync();
            await SqliteSchema.MigrateAsync(connection, TimeProvider.System, 2, CancellationToken.None);
            await using var insert = connection.CreateCommand();
            insert.CommandText =
                """
                INSERT INTO tenants (id, name, created_at) VALUES ('t_old', 'old', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO api_keys (id, tenant_id, name, roles, secret_hash, created_at, revoked_at)
                VALUES ($id, 't_old', 'old key', 'hospital', $hash, '2025-01-01T00:00:00.0000000Z', NULL);
                """;
            insert.Parameters.AddWithValue("$id", keyId);
            insert.Parameters.AddWithValue("$hash", ApiKeyToken.Hash(secret));
            await insert.ExecuteNonQueryAsync();
        }

        using var factory = new HeComputeFactory(directory.Path);
        using var client = factory.Client(secret);
        var me = await (await client.GetAsync("/v1/me")).ReadAsync<WhoAmIResponse>();
        Assert.Equal("t_old", me.TenantId);
        using var admin = factory.Admin();
        var keys = await (await admin.GetAsync("/v1/admin/tenants/t_old/keys")).ReadAsync<IReadOnlyList<ApiKeyResponse>>();
        var key = Assert.Single(keys);
        Assert.Equal(keyId, key.Id);
        Assert.Null(key.ExpiresAt);
    }

    [Fact]
    public async Task Rotation_keeps_id_and_roles_and_both_secrets_work_during_the_overlap_only()
    {
        using var owner = await Factory.NewTenantAsync(Roles.TenantAdmin);
        using var hospital = await Factory.NewKeyAsync(owner.TenantId, Roles.Hospital, Roles.Auditor);
        using var response = await owner.Http.PostAsync($"/v1/admin/keys/{hospital.KeyId}/rotate?overlap_seconds=3600", null);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var rotated = await response.ReadAsync<CreatedApiKeyResponse>();
        Assert.Equal(hospital.KeyId, rotated.Key.Id);
        Assert.Equal([Roles.Hospital, Roles.Auditor], rotated.Key.Roles);
        Assert.NotEqual(hospital.Secret, rotated.Secret);
        Assert.StartsWith($"hck_{hospital.KeyId}_", rotated.Secret, StringComparison.Ordinal);
        var overlapEnd = Factory.Time.GetUtcNow().AddHours(1);
        Assert.InRange(rotated.Key.PreviousSecretExpiresAt!.Value, overlapEnd.AddMinutes(-1), overlapEnd);
        using var fresh = Factory.Client(rotated.Secret);

        Factory.Time.Offset = TimeSpan.FromMinutes(59);
        Assert.Equal(hospital.KeyId, (await (await hospital.Http.GetAsync("/v1/me")).ReadAsync<WhoAmIResponse>()).KeyId);
        Assert.Equal(hospital.KeyId, (await (await fresh.GetAsync("/v1/me")).ReadAsync<WhoAmIResponse>()).KeyId);

        Factory.Time.Offset = TimeSpan.FromMinutes(61);
        using (var old = await hospital.Http.GetAsync("/v1/me"))
        {
            await Api.AssertProblemAsync(old, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        }

        Assert.Contains($"API key {hospital.KeyId} rejected: rotated-out secret", string.Join('\n', Factory.Logs.Messages), StringComparison.Ordinal);
        using var stillFresh = await fresh.GetAsync("/v1/me");
        Assert.Equal(HttpStatusCode.OK, stillFresh.StatusCode);
    }

    [Fact]
    public async Task Revoking_the_previous_secret_ends_the_overlap_at_once_and_a_second_rotation_replaces_it()
    {
        using var hospital = await Factory.NewTenantAsync(Roles.Hospital);
        using var admin = Factory.Admin();
        var first = await (await admin.PostAsync($"/v1/admin/keys/{hospital.KeyId}/rotate", null)).ReadAsync<CreatedApiKeyResponse>();
        var defaultEnd = Factory.Time.GetUtcNow().AddSeconds(ApiKeyRotation.DefaultOverlapSeconds);
        Assert.InRange(first.Key.PreviousSecretExpiresAt!.Value, defaultEnd.AddMinutes(-1), defaultEnd);
        using (var old = await hospital.Http.GetAsync("/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        }

        // Rotating again: the first new secret becomes the previous one, the original no longer works.
        var second = await (await admin.PostAsync($"/v1/admin/keys/{hospital.KeyId}/rotate", null)).ReadAsync<CreatedApiKeyResponse>();
        using var firstClient = Factory.Client(first.Secret);
        using var secondClient = Factory.Client(second.Secret);
        using (var original = await hospital.Http.GetAsync("/v1/me"))
        {
            await Api.AssertProblemAsync(original, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        }

        using (var during = await firstClient.GetAsync("/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        }

        var ended = await (await admin.DeleteAsync($"/v1/admin/keys/{hospital.KeyId}/previous")).ReadAsync<ApiKeyResponse>();
        Assert.Null(ended.PreviousSecretExpiresAt);
        using (var after = await firstClient.GetAsync("/v1/me"))
        {
            await Api.AssertProblemAsync(after, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        }

        using var current = await secondClient.GetAsync("/v1/me");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);

        // Zero overlap: the old secret stops at once.
        var third = await (await admin.PostAsync($"/v1/admin/keys/{hospital.KeyId}/rotate?overlap_seconds=0", null)).ReadAsync<CreatedApiKeyResponse>();
        Assert.Null(third.Key.PreviousSecretExpiresAt);
        using var replaced = await secondClient.GetAsync("/v1/me");
        await Api.AssertProblemAsync(replaced, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Rotation_of_a_foreign_key_is_404_and_of_a_revoked_or_expired_key_409_and_bad_overlap_400()
    {
        using var owner = await Factory.NewTenantAsync(Roles.TenantAdmin);
        using var foreign = await Factory.NewTenantAsync(Roles.Hospital);
        using (var response = await owner.Http.PostAsync($"/v1/admin/keys/{foreign.KeyId}/rotate", null))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using (var response = await owner.Http.DeleteAsync($"/v1/admin/keys/{foreign.KeyId}/previous"))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        // The foreign key was not touched.
        using (var still = await foreign.Http.GetAsync("/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        foreach (var overlap in new[] { "-1", (ApiKeyRotation.MaxOverlapSeconds + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            using var response = await owner.Http.PostAsync($"/v1/admin/keys/{owner.KeyId}/rotate?overlap_seconds={overlap}", null);
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty("overlap_seconds", out _));
        }

        using var revoked = await Factory.NewKeyAsync(owner.TenantId, Roles.Hospital);
        (await owner.Http.PostAsync($"/v1/admin/keys/{revoked.KeyId}/revoke", null)).EnsureSuccessStatusCode();
        using (var response = await owner.Http.PostAsync($"/v1/admin/keys/{revoked.KeyId}/rotate", null))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }

        var expiring = await CreateKeyAsync(owner.TenantId, new CreateApiKeyRequest("e", [Roles.Hospital], Factory.Time.GetUtcNow().AddMinutes(5)));
        Factory.Time.Offset = TimeSpan.FromMinutes(6);
        using (var response = await owner.Http.PostAsync($"/v1/admin/keys/{expiring.Key.Id}/rotate", null))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        }
    }

    private async Task<CreatedApiKeyResponse> CreateKeyAsync(string tenantId, CreateApiKeyRequest request)
    {
        using var admin = Factory.Admin();
        using var response = await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenantId}/keys", request, HeComputeJson.Options);
        return await response.ReadAsync<CreatedApiKeyResponse>();
    }
}
