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
        using (var form = Api.FullKeySet(keys))
        {
            await Api.UploadAsync(tenant.Http, form);
        }

        using (var secret = Api.KeySetForm((KeySetParts.Parms, keys.Parms), (KeySetParts.PublicKey, keys.SecretKey)))
        using (await tenant.Http.PostAsync("/v1/keysets", secret))
        {
        }

        using (var wrong = factory.Client(tenant.Secret[..^4] + "AAAA"))
        using (await wrong.GetAsync("/v1/keysets"))
        {
        }

        var logs = string.Join('\n', factory.Logs.Messages);
        Assert.Contains("Key set ks_", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Secret[20..], logs, StringComparison.Ordinal);
        Assert.DoesNotContain(HeComputeFactory.AdminKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(keys.SecretKey.AsSpan(16, 48)), logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(keys.SecretKey.AsSpan(16, 32)), logs, StringComparison.OrdinalIgnoreCase);
    }
}
