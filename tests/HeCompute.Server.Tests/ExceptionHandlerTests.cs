using System.Text.Json;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Server.Tests;

public sealed class ExceptionHandlerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, int, string> Cases => new()
    {
        { "insecure", 400, ProblemTypes.InsecureParameters },
        { "invalid-parameters", 400, ProblemTypes.InvalidParameters },
        { "format", 400, ProblemTypes.MalformedSealObject },
        { "compression", 400, ProblemTypes.MalformedSealObject },
        { "parms-mismatch", 400, ProblemTypes.ParmsMismatch },
        { "scale", 400, ProblemTypes.InvalidOperand },
        { "missing-key", 400, ProblemTypes.MissingKey },
        { "unexpected", 500, ProblemTypes.InternalError },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Engine_errors_map_to_400_and_anything_else_to_an_opaque_500(string error, int status, string type)
    {
        Exception exception = error switch
        {
            "insecure" => new InvalidParametersException(ParameterError.InvalidParametersInsecure, "total coeff_modulus bit count 150 exceeds 109"),
            "invalid-parameters" => new InvalidParametersException(ParameterError.InvalidPolyModulusDegree, "bad degree"),
            "format" => new SealFormatException("not a SEAL object", 0),
            "compression" => new SealCompressionException("corrupt zstd frame"),
            "parms-mismatch" => new ParmsIdMismatchException("other parameters"),
            "scale" => new ScaleMismatchException("scales differ"),
            "missing-key" => new MissingKeyException("no Galois key for element 5"),
            _ => new InvalidOperationException("connection string Password=hunter2 at /srv/secret/path"),
        };

        using var scope = fixture.Factory.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Path = "/v1/anything";
        context.Response.Body = new MemoryStream();
        var handled = false;
        foreach (var handler in scope.ServiceProvider.GetServices<IExceptionHandler>())
        {
            handled |= await handler.TryHandleAsync(context, exception, CancellationToken.None);
        }

        Assert.True(handled);
        Assert.Equal(status, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        if (status == 500)
        {
            Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
            Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(exception.Message, problem.GetProperty("detail").GetString());
        }
    }
}
