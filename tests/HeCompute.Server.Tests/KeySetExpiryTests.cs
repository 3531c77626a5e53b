using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>Key sets with an expiry: stored and listed, refused for new computations once expired. Tests shift this class's own server clock.</summary>
public sealed class KeySetExpiryTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private const string TinyModel =
        """{"format":"hecompute-model","formatVersion":1,"kind":"logistic-regression","input":{"features":["a","b"],"lower":[-1,-1],"upper":[1,1],"mean":[0,0],"scale":[1,1]},"layers":[{"type":"dense","weights":[[0.5,-0.25]],"bias":[0.1]}],"outputs":["logit"]}""";

    private HeComputeFactory Factory => fixture.Factory;

    public void Dispose() => Factory.Time.Offset = TimeSpan.Zero;

    [Fact]
    public async Task Expiry_is_stored_and_listed_and_an_expired_key_set_is_listed_as_expired()
    {
        using var hospital = await Factory.NewTenantAsync(Roles.Hospital);
        var expiresAt = Factory.Time.GetUtcNow().AddDays(2);
        var keySet = await Api.UploadAsync(hospital.Http, Form(expiresAt.ToString("O", CultureInfo.InvariantCulture)));
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), keySet.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.False(keySet.Expired);
        var unlimited = await Api.UploadAsync(hospital.Http, Form(null));
        Assert.Null(unlimited.ExpiresAt);

        Factory.Time.Offset = TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1);
        var listed = (await (await hospital.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items;
        Assert.True(Assert.Single(listed, k => k.Id == keySet.Id).Expired);
        Assert.False(Assert.Single(listed, k => k.Id == unlimited.Id).Expired);
        Assert.True((await (await hospital.Http.GetAsync($"/v1/keysets/{keySet.Id}")).ReadAsync<KeySetResponse>()).Expired);
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("past")]
    [InlineData("too-far")]
    public async Task Unreadable_past_or_too_distant_expiry_is_a_validation_problem(string which)
    {
        using var hospital = await Factory.NewTenantAsync(Roles.Hospital);
        var now = Factory.Time.GetUtcNow();
        var value = which switch
        {
            "past" => now.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture),
            "too-far" => now.AddDays(KeySetParts.MaxLifetimeDays + 1).ToString("O", CultureInfo.InvariantCulture),
            _ => which,
        };
        using var response = await hospital.Http.PostAsync("/v1/keysets", Form(value));
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Contains(KeySetParts.ExpiresAt, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var listed = (await (await hospital.Http.GetAsync("/v1/keysets")).ReadAsync<KeySetListResponse>()).Items;
        Assert.Empty(listed);
    }

    [Fact]
    public async Task An_expired_key_set_is_refused_for_prediction_and_dataset_binding_with_410()
    {
        using var hospital = await Factory.NewTenantAsync(Roles.Hospital);
        using var modelAdmin = await Factory.NewKeyAsync(hospital.TenantId, Roles.ModelAdmin);
        using var registered = await modelAdmin.Http.PostAsJsonAsync(
            "/v1/models", new RegisterModelRequest("tiny", JsonDocument.Parse(TinyModel).RootElement), HeComputeJson.Options);
        var model = await registered.ReadAsync<ModelResponse>();
        var dataset = await CohortDatasets.CreateAsync(hospital.Http, CohortDatasets.Request("expiring"));
        var keySet = await Api.UploadAsync(hospital.Http, Form(Factory.Time.GetUtcNow().AddHours(1).ToString("O", CultureInfo.InvariantCulture)));

        // Before the expiry the key set is accepted as far as expiry goes (it does not fit these plans: that is the next check).
        using (var before = await hospital.Http.PutAsJsonAsync($"/v1/datasets/{dataset.Id}/keyset", new BindKeySetRequest(keySet.Id), HeComputeJson.Options))
        {
            var problem = await Api.AssertProblemAsync(before, HttpStatusCode.BadRequest);
            Assert.NotEqual(ProblemTypes.KeySetExpired, problem.GetProperty("type").GetString());
        }

        Factory.Time.Offset = TimeSpan.FromHours(2);
        using (var bind = await hospital.Http.PutAsJsonAsync($"/v1/datasets/{dataset.Id}/keyset", new BindKeySetRequest(keySet.Id), HeComputeJson.Options))
        {
            var problem = await Api.AssertProblemAsync(bind, HttpStatusCode.Gone, ProblemTypes.KeySetExpired);
            Assert.Contains(keySet.Id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var body = new ByteArrayContent([]);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var predict = await hospital.Http.PostAsync($"/v1/models/{model.Id}/predict?keyset_id={keySet.Id}&records=1", body);
        await Api.AssertProblemAsync(predict, HttpStatusCode.Gone, ProblemTypes.KeySetExpired);
    }

    [Fact]
    public async Task The_configured_default_lifetime_applies_to_uploads_without_an_expiry()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?> { ["HeCompute:Limits:KeySetLifetime"] = "7.00:00:00" });
        using var hospital = await factory.NewTenantAsync(Roles.Hospital);
        var expected = factory.Time.GetUtcNow().AddDays(7);
        var keySet = await Api.UploadAsync(hospital.Http, Form(null));
        Assert.InRange(keySet.ExpiresAt!.Value, expected.AddMinutes(-1), expected.AddMinutes(1));
    }

    private static MultipartFormDataContent Form(string? expiresAt)
    {
        var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.PublicKey, KeyMaterial.Shared.PublicKeySeeded));
        if (expiresAt is not null)
        {
            form.Add(new StringContent(expiresAt), KeySetParts.ExpiresAt);
        }

        return form;
    }
}
