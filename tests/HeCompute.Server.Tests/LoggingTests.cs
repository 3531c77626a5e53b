using System.Net;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Logs_never_contain_api_key_secrets_or_key_material()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        using var tenant = await factory.NewTenantAsync(Roles.Hospital);
        var keys = KeyMaterial.Shared;
        KeySetResponse created;
        using (var form = Api.FullKeySet(keys))
        {
            created = await Api.UploadAsync(tenant.Http, form);
        }

        using (var secret = Api.KeySetForm((KeySetParts.Parms, keys.Parms), (KeySetParts.PublicKey, keys.SecretKey)))
        using (var refused = await tenant.Http.PostAsync("/v1/keysets", secret))
        {
            await Api.AssertProblemAsync(refused, HttpStatusCode.BadRequest, ProblemTypes.SecretKeyRefused);
        }

        using (var wrong = factory.Client(tenant.Secret[..^4] + "AAAA"))
        using (var unauthorized = await wrong.GetAsync("/v1/keysets"))
        {
            await Api.AssertProblemAsync(unauthorized, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        }

        // Each request reached the code whose logging is under test, and that code logged.
        var logs = string.Join('\n', factory.Logs.Messages);
        Assert.Contains($"Key set {created.Id} stored for tenant {tenant.TenantId}", logs, StringComparison.Ordinal);
        Assert.Contains($"Request refused with 400 {ProblemTypes.SecretKeyRefused} on POST /v1/keysets", logs, StringComparison.Ordinal);
        Assert.Contains($"API key {tenant.Secret[4..20]} rejected: wrong secret", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Secret[20..], logs, StringComparison.Ordinal);
        Assert.DoesNotContain(HeComputeFactory.AdminKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(keys.SecretKey.AsSpan(16, 48)), logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(keys.SecretKey.AsSpan(16, 32)), logs, StringComparison.OrdinalIgnoreCase);
    }
}
