using System.Net;
using System.Net.Http.Headers;
using HeCompute.Contracts;
using HeCompute.Server.KeySets;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

public sealed class KeySetTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static KeyMaterial Keys => KeyMaterial.Shared;

    private HeComputeFactory Factory => fixture.Factory;

    private string BlobPath(string sha256) => Path.Combine(Factory.DataDirectory, "blobs", "sha256", sha256[..2], sha256);

    [Fact]
    public async Task Full_form_keys_are_validated_stored_listed_fetched_and_deleted()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using var form = Api.FullKeySet(Keys);
        form.Add(new StringContent("radiology keys"), KeySetParts.Name);
        var created = await Api.UploadAsync(tenant.Http, form);

        Assert.StartsWith("ks_", created.Id, StringComparison.Ordinal);
        Assert.Equal("radiology keys", created.Name);
        Assert.Equal(Keys.ParmsId, created.ParmsId);
        Assert.Equal(8192UL, created.PolyModulusDegree);
        Assert.Equal([60, 40, 40, 60], created.CoeffModulusBits);
        Assert.True(created.HasPublicKey);
        Assert.True(created.HasRelinKeys);
        Assert.Equal(Keys.GaloisElements, created.GaloisElements);
        Assert.Equal([KeySetParts.Parms, KeySetParts.PublicKey, KeySetParts.RelinKeys, KeySetParts.GaloisKeys], created.Parts.Select(p => p.Part));
        var galois = created.Parts.Single(p => p.Part == KeySetParts.GaloisKeys);
        Assert.Equal(Api.Sha256Hex(Keys.GaloisKeysFull), galois.Sha256);
        Assert.Equal(Keys.GaloisKeysFull.Length, galois.Bytes);
        Assert.Equal(Keys.Parms.Length + Keys.PublicKeyFull.Length + Keys.RelinKeysFull.Length + Keys.GaloisKeysFull.Length, created.TotalBytes);
        foreach (var part in created.Parts)
        {
            Assert.True(File.Exists(BlobPath(part.Sha256)));
            Assert.Equal(part.Bytes, (await Api.StoredBlobAsync(Factory, part.Sha256)).Length);
        }

        var list = await (await tenant.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>();
        Assert.Equal(created.Id, Assert.Single(list.Items).Id);
        var fetched = await (await tenant.Http.GetAsync($"/v1/keysets/{created.Id}")).ReadAsync<KeySetResponse>();
        Assert.Equal(created, fetched with { Parts = created.Parts, GaloisElements = created.GaloisElements, CoeffModulusBits = created.CoeffModulusBits });

        // The analytics side gets the deserialized keys through the service (from the cache or the blobs).
        var service = Factory.Services.GetRequiredService<KeySetService>();
        var loaded = await service.GetKeysAsync(tenant.TenantId, created.Id, CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal(Keys.GaloisElements, loaded.Value.Keys.GaloisElements);
        Assert.NotNull(loaded.Value.Keys.RelinKeys);
        Assert.Null(await service.GetKeysAsync("someone-else", created.Id, CancellationToken.None));

        using (var delete = await tenant.Http.DeleteAsync($"/v1/keysets/{created.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var gone = await tenant.Http.GetAsync($"/v1/keysets/{created.Id}"))
        {
            await Api.AssertProblemAsync(gone, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using (var again = await tenant.Http.DeleteAsync($"/v1/keysets/{created.Id}"))
        {
            await Api.AssertProblemAsync(again, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        Assert.False(File.Exists(BlobPath(galois.Sha256)));
        Assert.Empty((await (await tenant.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items);
    }

    [Fact]
    public async Task Seeded_form_keys_are_accepted_and_shared_blobs_survive_one_owner()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using var other = await Factory.NewTenantAsync(Roles.Hospital);
        using var seeded = Api.KeySetForm(
            (KeySetParts.Parms, Keys.Parms), (KeySetParts.PublicKey, Keys.PublicKeySeeded),
            (KeySetParts.RelinKeys, Keys.RelinKeysSeeded), (KeySetParts.GaloisKeys, Keys.GaloisKeysSeeded));
        var created = await Api.UploadAsync(tenant.Http, seeded);
        Assert.Equal(Keys.GaloisElements, created.GaloisElements);
        Assert.True(created.TotalBytes < Keys.PublicKeyFull.Length + Keys.RelinKeysFull.Length + Keys.GaloisKeysFull.Length);

        // Another tenant uploads the same relinearization keys: one blob, two owners.
        using var relinOnly = Api.KeySetForm((KeySetParts.Parms, Keys.Parms), (KeySetParts.RelinKeys, Keys.RelinKeysSeeded));
        var second = await Api.UploadAsync(other.Http, relinOnly);
        Assert.False(second.HasPublicKey);
        Assert.Empty(second.GaloisElements);
        var relinSha = Api.Sha256Hex(Keys.RelinKeysSeeded);

        using (await tenant.Http.DeleteAsync($"/v1/keysets/{created.Id}"))
        {
        }

        Assert.True(File.Exists(BlobPath(relinSha)), "a blob another tenant still references must not be deleted");
        Assert.False(File.Exists(BlobPath(Api.Sha256Hex(Keys.GaloisKeysSeeded))));
        using (await other.Http.DeleteAsync($"/v1/keysets/{second.Id}"))
        {
        }

        Assert.False(File.Exists(BlobPath(relinSha)));
    }

    [Fact]
    public async Task Insecure_parameters_are_refused_naming_the_limit()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using var form = Api.KeySetForm((KeySetParts.Parms, Keys.InsecureParms), (KeySetParts.PublicKey, Keys.InsecurePublicKey));
        using var response = await tenant.Http.PostAsync("/v1/keysets", form);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.InsecureParameters);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("109", detail, StringComparison.Ordinal);
        Assert.Contains("150", detail, StringComparison.Ordinal);
        Assert.Empty((await (await tenant.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items);
    }

    [Fact]
    public async Task A_secret_key_is_refused_in_any_key_part_and_by_name()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        foreach (var part in new[] { KeySetParts.PublicKey, KeySetParts.RelinKeys, KeySetParts.GaloisKeys })
        {
            using var form = Api.KeySetForm((KeySetParts.Parms, Keys.Parms), (part, Keys.SecretKey));
            using var response = await tenant.Http.PostAsync("/v1/keysets", form);
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.SecretKeyRefused);
            Assert.Contains(part, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var named = Api.KeySetForm((KeySetParts.Parms, Keys.Parms), ("secret_key", Keys.SecretKey));
        using var byName = await tenant.Http.PostAsync("/v1/keysets", named);
        await Api.AssertProblemAsync(byName, HttpStatusCode.BadRequest, ProblemTypes.SecretKeyRefused);
        Assert.Empty((await (await tenant.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Factory.DataDirectory, "blobs", "tmp")));
    }

    [Theory]
    [InlineData("truncated-public-key")]
    [InlineData("garbage-public-key")]
    [InlineData("empty-public-key")]
    [InlineData("garbage-parms")]
    [InlineData("truncated-galois-keys")]
    [InlineData("relin-keys-in-public-key-part")]
    [InlineData("keys-of-other-parameters")]
    public async Task Malformed_seal_objects_are_400_problems(string variant)
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        var garbage = new byte[4096];
        new Random(5).NextBytes(garbage);
        (string, byte[])[] parts = variant switch
        {
            "truncated-public-key" => [(KeySetParts.Parms, Keys.Parms), (KeySetParts.PublicKey, Keys.PublicKeyFull[..(Keys.PublicKeyFull.Length / 2)])],
            "garbage-public-key" => [(KeySetParts.Parms, Keys.Parms), (KeySetParts.PublicKey, garbage)],
            "empty-public-key" => [(KeySetParts.Parms, Keys.Parms), (KeySetParts.PublicKey, [])],
            "garbage-parms" => [(KeySetParts.Parms, garbage), (KeySetParts.PublicKey, Keys.PublicKeyFull)],
            "truncated-galois-keys" => [(KeySetParts.Parms, Keys.Parms), (KeySetParts.GaloisKeys, Keys.GaloisKeysSeeded[..1000])],
            "relin-keys-in-public-key-part" => [(KeySetParts.Parms, Keys.Parms), (KeySetParts.PublicKey, Keys.RelinKeysSeeded)],
            "keys-of-other-parameters" => [(KeySetParts.Parms, Keys.Parms), (KeySetParts.PublicKey, Keys.InsecurePublicKey)],
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
        using var form = Api.KeySetForm(parts);
        using var response = await tenant.Http.PostAsync("/v1/keysets", form);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedSealObject);
        Assert.StartsWith("Part '", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_parameters_unknown_parts_and_duplicates_are_400()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using (var form = Api.KeySetForm((KeySetParts.PublicKey, Keys.PublicKeyFull)))
        using (var response = await tenant.Http.PostAsync("/v1/keysets", form))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        }

        using (var form = Api.KeySetForm((KeySetParts.Parms, Keys.Parms)))
        using (var response = await tenant.Http.PostAsync("/v1/keysets", form))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        }

        using (var form = Api.KeySetForm((KeySetParts.Parms, Keys.Parms), ("bootstrapping_keys", [1, 2, 3])))
        using (var response = await tenant.Http.PostAsync("/v1/keysets", form))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.BadRequest);
        }

        using (var form = Api.KeySetForm((KeySetParts.Parms, Keys.Parms), (KeySetParts.Parms, Keys.Parms)))
        using (var response = await tenant.Http.PostAsync("/v1/keysets", form))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.BadRequest);
        }
    }

    [Fact]
    public async Task Wrong_media_type_is_415_and_truncated_multipart_is_400()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using (var response = await tenant.Http.PostAsync("/v1/keysets", new ByteArrayContent(Keys.Parms)))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
        }

        // A multipart body cut off in the middle of a part (no closing boundary).
        var head = "--b0undary\r\nContent-Disposition: form-data; name=\"parms\"; filename=\"p\"\r\nContent-Type: application/octet-stream\r\n\r\n"u8.ToArray();
        var body = head.Concat(Keys.Parms[..50]).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b0undary");
        using (var response = await tenant.Http.PostAsync("/v1/keysets", content))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.BadRequest);
        }

        using var health = await Factory.Client(null).GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Oversized_part_and_oversized_upload_are_413()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        var big = new byte[HeComputeFactory.PartLimit + 1];
        using (var form = Api.KeySetForm((KeySetParts.Parms, Keys.Parms), (KeySetParts.GaloisKeys, big)))
        using (var response = await tenant.Http.PostAsync("/v1/keysets", form))
        {
            var problem = await Api.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
            Assert.Contains(KeySetParts.GaloisKeys, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Three parts just under the per-part limit exceed the 24 MiB upload limit.
        var almost = new byte[HeComputeFactory.PartLimit - 1];
        using (var form = Api.KeySetForm((KeySetParts.PublicKey, almost), (KeySetParts.RelinKeys, almost), (KeySetParts.GaloisKeys, almost), (KeySetParts.Parms, Keys.Parms)))
        using (var response = await tenant.Http.PostAsync("/v1/keysets", form))
        {
            await Api.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Factory.DataDirectory, "blobs", "tmp")));
        using var health = await Factory.Client(null).GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
