using System.Net;
using System.Text.Json;

namespace HeCompute.Server.Tests;

/// <summary>
/// The OpenAPI document is complete: every operation lists the problems it can answer as problem details, carries the
/// API-key requirement, and describes multipart and binary bodies by their media types; the reference page shows the
/// description intact.
/// </summary>
public sealed class OpenApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Problem = "application/problem+json";
    private const string Binary = "application/octet-stream";
    private const string Multipart = "multipart/form-data";
    private const string Json = "application/json";

    /// <summary>Operations with a request body, by its media type.</summary>
    private static readonly Dictionary<string, string> Bodies = new(StringComparer.Ordinal)
    {
        ["admin.tenants.create"] = Json,
        ["admin.keys.create"] = Json,
        ["keysets.create"] = Multipart,
        ["models.create"] = Json,
        ["models.create-onnx"] = Multipart,
        ["predict.create"] = Binary,
        ["predict.jobs.create"] = Multipart,
        ["datasets.create"] = Json,
        ["datasets.keyset.bind"] = Json,
        ["datasets.contributors.add"] = Json,
        ["datasets.batches.append"] = Binary,
        ["datasets.statistics"] = Json,
        ["studies.create"] = Json,
        ["studies.shares.submit"] = Binary,
        ["studies.batches.append"] = Binary,
        ["studies.releases.create"] = Binary,
        ["studies.releases.shares.submit"] = Binary,
    };

    /// <summary>Problems an operation answers for reasons of its own (state conflicts, unusable models).</summary>
    private static readonly Dictionary<string, int[]> Own = new(StringComparer.Ordinal)
    {
        ["jobs.cancel"] = [409],
        ["datasets.public-key"] = [409],
        ["datasets.batches.append"] = [409],
        ["datasets.statistics"] = [409],
        ["studies.shares.submit"] = [409, 422],
        ["studies.releases.shares.submit"] = [409, 422],
        ["studies.releases.result"] = [409],
        ["models.create"] = [422],
        ["models.create-onnx"] = [422],
    };

    /// <summary>Operations whose success answer is raw SEAL bytes.</summary>
    private static readonly string[] BinaryAnswers = ["predict.create", "jobs.results.get", "datasets.public-key", "studies.keys.get", "studies.releases.result"];

    /// <summary>Operations any valid key may call (no policy, so no 403).</summary>
    private static readonly string[] AnyKey = ["tenant.me"];

    private static readonly Dictionary<string, string[]> Multiparts = new(StringComparer.Ordinal)
    {
        ["keysets.create"] = ["parms"],
        ["models.create-onnx"] = ["onnx", "options"],
        ["predict.jobs.create"] = ["keyset_id", "records", "input"],
    };

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = fixture.Factory.Client(null);
        return JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
    }

    private static IEnumerable<(string Id, string Method, string Path, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                yield return (method.Value.GetProperty("operationId").GetString()!, method.Name, path.Name, method.Value);
            }
        }
    }

    [Fact]
    public async Task Every_operation_documents_its_problems_as_problem_details()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 38, $"only {operations.Count} operations");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, method, path, operation) in operations)
        {
            seen.Add(id);
            var expected = new SortedSet<int> { 401, 429 };
            if (!AnyKey.Contains(id))
            {
                expected.Add(403);
            }

            if (path.Contains('{', StringComparison.Ordinal))
            {
                expected.Add(404);
            }

            if (Bodies.ContainsKey(id))
            {
                expected.UnionWith([400, 413, 415]);
            }

            if (method != "get")
            {
                expected.Add(503);
            }

            expected.UnionWith(Own.GetValueOrDefault(id, []));
            var responses = operation.GetProperty("responses");
            var documented = responses.EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            Assert.True(expected.IsSubsetOf(documented), $"{id}: documents {string.Join(",", documented.Order())}, misses {string.Join(",", expected.Except(documented))}");
            Assert.Contains(documented, s => s is >= 200 and < 300);
            foreach (var response in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                var content = response.Value.GetProperty("content");
                var media = Assert.Single(content.EnumerateObject());
                Assert.True(media.Name == Problem, $"{id} {response.Name}: {media.Name}");
                var reference = media.Value.GetProperty("schema").GetProperty("$ref").GetString()!;
                Assert.True(reference is "#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails", $"{id} {response.Name}: {reference}");
            }
        }

        Assert.Subset(seen, Bodies.Keys.Concat(Own.Keys).Concat(BinaryAnswers).Concat(AnyKey).ToHashSet(StringComparer.Ordinal));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("ProblemDetails").GetProperty("properties").TryGetProperty("status", out _));
    }

    [Fact]
    public async Task The_api_key_schemes_are_declared_and_every_operation_requires_one()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var bearer = schemes.GetProperty("ApiKey");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        var header = schemes.GetProperty("ApiKeyHeader");
        Assert.Equal("apiKey", header.GetProperty("type").GetString());
        Assert.Equal("header", header.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", header.GetProperty("name").GetString());
        foreach (var (id, _, _, operation) in Operations(document))
        {
            // Either scheme alone satisfies the operation: two requirement objects, one scheme each.
            var requirements = operation.GetProperty("security").EnumerateArray()
                .Select(r => string.Join("+", r.EnumerateObject().Select(p => p.Name))).Order(StringComparer.Ordinal).ToArray();
            Assert.True(requirements.SequenceEqual(["ApiKey", "ApiKeyHeader"]), $"{id}: {string.Join(" | ", requirements)}");
        }
    }

    [Fact]
    public async Task Multipart_and_binary_bodies_and_binary_answers_have_their_media_types()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToDictionary(o => o.Id, o => o.Operation, StringComparer.Ordinal);
        foreach (var (id, mediaType) in Bodies)
        {
            var content = operations[id].GetProperty("requestBody").GetProperty("content");
            var media = Assert.Single(content.EnumerateObject());
            Assert.True(media.Name == mediaType, $"{id}: {media.Name}");
            var schema = media.Value.GetProperty("schema");
            if (mediaType == Binary)
            {
                AssertBinary(schema, id);
            }
            else if (mediaType == Multipart)
            {
                Assert.Equal("object", schema.GetProperty("type").GetString());
                var required = schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal);
                Assert.Subset(required, Multiparts[id].ToHashSet(StringComparer.Ordinal));
                var properties = schema.GetProperty("properties");
                foreach (var part in Multiparts[id])
                {
                    Assert.True(properties.TryGetProperty(part, out _), $"{id}: no part {part}");
                }
            }
        }

        AssertBinary(operations["keysets.create"].GetProperty("requestBody").GetProperty("content").GetProperty(Multipart)
            .GetProperty("schema").GetProperty("properties").GetProperty("parms"), "keysets.create parms");
        AssertBinary(operations["models.create-onnx"].GetProperty("requestBody").GetProperty("content").GetProperty(Multipart)
            .GetProperty("schema").GetProperty("properties").GetProperty("onnx"), "models.create-onnx onnx");
        var inputs = operations["predict.jobs.create"].GetProperty("requestBody").GetProperty("content").GetProperty(Multipart)
            .GetProperty("schema").GetProperty("properties").GetProperty("input");
        Assert.Equal("array", inputs.GetProperty("type").GetString());
        AssertBinary(inputs.GetProperty("items"), "predict.jobs.create input");
        foreach (var id in BinaryAnswers)
        {
            var answer = operations[id].GetProperty("responses").GetProperty("200");
            Assert.True(answer.TryGetProperty("content", out var content), $"{id}: {answer}");
            var media = Assert.Single(content.EnumerateObject());
            Assert.True(media.Name == Binary, $"{id}: {media.Name}");
            AssertBinary(media.Value.GetProperty("schema"), id);
        }
    }

    [Fact]
    public async Task No_description_holds_markup_the_reference_page_would_swallow()
    {
        var document = await DocumentAsync();
        var description = document.GetProperty("info").GetProperty("description").GetString()!;
        Assert.Contains("Authorization: Bearer", description, StringComparison.Ordinal);
        Assert.Contains("API key", description, StringComparison.Ordinal);
        var texts = new List<string>();
        Collect(document, texts);
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.DoesNotContain('<', t));
        using var client = fixture.Factory.Client(null);
        using var page = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("<API key>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static void AssertBinary(JsonElement schema, string what)
    {
        Assert.True(schema.TryGetProperty("type", out var type) && type.GetString() == "string", $"{what}: {schema}");
        Assert.True(schema.TryGetProperty("format", out var format) && format.GetString() == "binary", $"{what}: {schema}");
    }

    private static void Collect(JsonElement element, List<string> texts)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is "description" or "summary" && property.Value.ValueKind == JsonValueKind.String)
                {
                    texts.Add(property.Value.GetString()!);
                }
                else
                {
                    Collect(property.Value, texts);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, texts);
            }
        }
    }
}
