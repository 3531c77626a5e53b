using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

public sealed class DomainErrorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>The status and problem type of every kind (as answered before services stopped speaking HTTP, and the kinds added since).</summary>
    public static TheoryData<DomainErrorKind, int, string> Kinds => new()
    {
        { DomainErrorKind.Malformed, 400, ProblemTypes.BadRequest },
        { DomainErrorKind.Invalid, 400, ProblemTypes.Validation },
        { DomainErrorKind.NotFound, 404, ProblemTypes.NotFound },
        { DomainErrorKind.Conflict, 409, ProblemTypes.Conflict },
        { DomainErrorKind.PayloadTooLarge, 413, ProblemTypes.PayloadTooLarge },
        { DomainErrorKind.UnsupportedMediaType, 415, ProblemTypes.UnsupportedMediaType },
        { DomainErrorKind.InvalidModel, 422, ProblemTypes.InvalidModel },
        { DomainErrorKind.ModelNotPlannable, 422, ProblemTypes.ModelNotPlannable },
        { DomainErrorKind.ActivationIntervalTooNarrow, 422, ProblemTypes.ActivationIntervalTooNarrow },
        { DomainErrorKind.TimeBudgetExceeded, 503, ProblemTypes.TimeBudgetExceeded },
        { DomainErrorKind.ComputeBusy, 503, ProblemTypes.ComputeBusy },
        { DomainErrorKind.RateLimited, 429, ProblemTypes.RateLimited },
        { DomainErrorKind.TenantShareExceeded, 429, ProblemTypes.TenantShareExceeded },
        { DomainErrorKind.InsecureParameters, 400, ProblemTypes.InsecureParameters },
        { DomainErrorKind.InvalidParameters, 400, ProblemTypes.InvalidParameters },
        { DomainErrorKind.MalformedSealObject, 400, ProblemTypes.MalformedSealObject },
        { DomainErrorKind.SecretKeyRefused, 400, ProblemTypes.SecretKeyRefused },
        { DomainErrorKind.ParmsMismatch, 400, ProblemTypes.ParmsMismatch },
        { DomainErrorKind.InvalidOperand, 400, ProblemTypes.InvalidOperand },
        { DomainErrorKind.MissingKey, 400, ProblemTypes.MissingKey },
        { DomainErrorKind.StorageUnavailable, 503, ProblemTypes.StorageUnavailable },
        { DomainErrorKind.StorageFull, 507, ProblemTypes.StorageFull },
        { DomainErrorKind.StorageCorrupt, 503, ProblemTypes.StorageCorrupt },
        { DomainErrorKind.KeySetExpired, 410, ProblemTypes.KeySetExpired },
        { DomainErrorKind.ShareResent, 409, ProblemTypes.ShareResent },
        { DomainErrorKind.ShareMismatch, 422, ProblemTypes.ShareMismatch },
    };

    private HeComputeFactory Factory => fixture.Factory;

    [Fact]
    public void Every_kind_has_an_expected_status_and_type()
    {
        var covered = Kinds.Select(row => (DomainErrorKind)row[0]).ToHashSet();
        Assert.Equal(Enum.GetValues<DomainErrorKind>().ToHashSet(), covered);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Each_kind_is_written_as_its_problem_through_the_exception_handler(DomainErrorKind kind, int status, string type)
    {
        var error = new DomainException(kind, "A title", $"What went wrong ({kind}).");
        Assert.Equal((status, type), ProblemMapper.Of(kind));

        using var scope = Factory.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Path = "/v1/anything";
        context.Response.Body = new MemoryStream();
        var handled = false;
        foreach (var handler in scope.ServiceProvider.GetServices<IExceptionHandler>())
        {
            handled |= await handler.TryHandleAsync(context, error, CancellationToken.None);
        }

        Assert.True(handled);
        Assert.Equal(status, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var problem = JsonDocument.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync()).RootElement;
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal("A title", problem.GetProperty("title").GetString());
        Assert.Equal(error.Detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void Not_found_reads_the_same_whatever_the_object()
    {
        var problem = ProblemMapper.ToProblemDetails(new NotFoundException("key set"));
        Assert.Equal((404, ProblemTypes.NotFound, "Not found", "No key set with this id."), (problem.Status, problem.Type, problem.Title, problem.Detail));
    }

    [Fact]
    public async Task Another_tenants_key_set_is_404_to_read_and_to_delete()
    {
        using var owner = await Factory.NewTenantAsync(Roles.Hospital);
        using var stranger = await Factory.NewTenantAsync(Roles.Hospital);
        using var form = Api.FullKeySet(KeyMaterial.Shared);
        var created = await Api.UploadAsync(owner.Http, form);

        using (var read = await stranger.Http.GetAsync($"/v1/keysets/{created.Id}"))
        {
            var problem = await Api.AssertProblemAsync(read, HttpStatusCode.NotFound, ProblemTypes.NotFound);
            Assert.Equal("No key set with this id.", problem.GetProperty("detail").GetString());
        }

        using (var delete = await stranger.Http.DeleteAsync($"/v1/keysets/{created.Id}"))
        {
            await Api.AssertProblemAsync(delete, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        }

        using var still = await owner.Http.GetAsync($"/v1/keysets/{created.Id}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task A_key_set_part_over_the_limit_is_413()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path, new Dictionary<string, string?>
        {
            ["HeCompute:Limits:MaxKeySetPartBytes"] = "4096",
            ["HeCompute:Limits:MaxKeySetUploadBytes"] = (1L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var tenant = await factory.NewTenantAsync(Roles.Hospital);
        using var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.RelinKeys, new byte[8192]));
        using var response = await tenant.Http.PostAsync("/v1/keysets", form);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Contains($"'{KeySetParts.RelinKeys}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_key_is_refused_as_such()
    {
        using var tenant = await Factory.NewTenantAsync(Roles.Hospital);
        using var form = Api.KeySetForm((KeySetParts.Parms, KeyMaterial.Shared.Parms), (KeySetParts.GaloisKeys, KeyMaterial.Shared.SecretKey));
        using var response = await tenant.Http.PostAsync("/v1/keysets", form);
        var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.SecretKeyRefused);
        Assert.Equal("A secret key was uploaded", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_key_set_of_other_parameters_than_the_plan_is_a_parms_mismatch()
    {
        using var owner = await Factory.NewTenantAsync(Roles.Hospital);
        using var create = await owner.Http.PostAsJsonAsync("/v1/datasets", CohortDatasets.Request("mismatch"), HeComputeJson.Options);
        var dataset = await create.ReadAsync<DatasetResponse>();
        using var form = Api.FullKeySet(KeyMaterial.Shared);
        var keySet = await Api.UploadAsync(owner.Http, form);
        Assert.NotEqual(keySet.ParmsId, dataset.Plan.Parameters.ParmsId, StringComparer.OrdinalIgnoreCase);
        using var bind = await owner.Http.PutAsJsonAsync($"/v1/datasets/{dataset.Id}/keyset", new BindKeySetRequest(keySet.Id), HeComputeJson.Options);
        var problem = await Api.AssertProblemAsync(bind, HttpStatusCode.BadRequest, ProblemTypes.ParmsMismatch);
        Assert.Contains(keySet.ParmsId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
