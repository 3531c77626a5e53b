using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HeCompute.Ckks.Tests.Interop;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HeCompute.Server.Tests;

/// <summary>
/// A client holding only Microsoft SEAL (node-seal 7 = SEAL 4.1, see <see cref="NodeSealClient"/>) — its own keys, its
/// own ciphertexts — gets a correct prediction over HTTP: sklearn's logits and classes of a logistic regression on the
/// breast-cancer data, within the plan's error bound.
/// </summary>
public sealed class SealClientTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static BreastCancerModel Oracle => BreastCancerModel.Shared;

    [Fact]
    public async Task A_node_seal_client_gets_sklearns_logits_and_classes()
    {
        var (hospital, modelId, plan) = await SharedModelAsync();
        using (hospital)
        using (var client = new NodeSealClient(plan))
        {
            var parameters = plan.GetProperty("parameters");
            var n = parameters.GetProperty("poly_modulus_degree").GetInt32();
            var parmsId = parameters.GetProperty("parms_id").GetString()!;
            var bits = parameters.GetProperty("coeff_modulus_bits").EnumerateArray().Select(b => b.GetInt32()).ToArray();
            var primes = parameters.GetProperty("coeff_modulus").EnumerateArray().Select(p => p.GetUInt64().ToString(CultureInfo.InvariantCulture)).ToArray();

            // SEAL derives the same parameters from the plan's bit sizes (CoeffModulus.Create) and from its primes.
            var contexts = NodeSeal.Run("batch", new
            {
                requests = new object[]
                {
                    new { command = "context", args = new { n, bits } },
                    new { command = "context", args = new { n, primes } },
                },
            }).GetProperty("results");
            Assert.Equal(primes, contexts[0].GetProperty("primes").EnumerateArray().Select(p => p.GetString()).ToArray());
            Assert.Equal(parmsId, contexts[0].GetProperty("keyParmsId").GetString());
            Assert.Equal(parmsId, contexts[1].GetProperty("keyParmsId").GetString());

            var keys = await client.GenerateKeysAsync(seeded: false, compression: "none");
            Assert.Equal(parmsId, keys.GetProperty("chain")[0].GetProperty("parmsId").GetString());
            var planElements = plan.GetProperty("keys").GetProperty("galois_elements").EnumerateArray().Select(e => e.GetUInt32()).Order().ToArray();
            Assert.Equal(planElements, keys.GetProperty("galoisElts").EnumerateArray().Select(e => e.GetUInt32()).ToArray());

            KeySetResponse keySet;
            using (var form = await client.KeySetFormAsync())
            {
                keySet = await Api.UploadAsync(hospital.Http, form);
            }

            Assert.Equal(parmsId, keySet.ParmsId);
            Assert.Equal(planElements, keySet.GaloisElements.Order().ToArray());

            var input = await client.EncryptAsync(Oracle.Records, "public", "none");
            output.WriteLine($"N = {n}, primes of {string.Join("/", bits)} bits, steps {string.Join(", ", client.GaloisSteps)}; SEAL files {keys.GetProperty("sizes")}, input {input.Length} bytes");
            var result = await PredictAsync(hospital.Http, modelId, keySet.Id, input, Oracle.Records.Length);
            AssertSklearnPrediction(plan, await client.DecryptAsync(result), Oracle.Records.Length);
        }
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("zlib")]
    public async Task Seeded_compressed_node_seal_keys_and_ciphertexts_are_accepted(string compression)
    {
        var (hospital, modelId, plan) = await SharedModelAsync();
        using (hospital)
        using (var client = new NodeSealClient(plan))
        {
            var keys = await client.GenerateKeysAsync(seeded: true, compression);
            Assert.True(keys.GetProperty("seeded").GetBoolean());
            KeySetResponse keySet;
            using (var form = await client.KeySetFormAsync())
            {
                keySet = await Api.UploadAsync(hospital.Http, form);
            }

            Assert.Equal(plan.GetProperty("parameters").GetProperty("parms_id").GetString(), keySet.ParmsId);
            var sizes = plan.GetProperty("sizes");
            var galoisPart = Assert.Single(keySet.Parts, p => p.Part == KeySetParts.GaloisKeys);
            Assert.True(galoisPart.Bytes <= sizes.GetProperty("galois_keys_bytes").GetInt64(), $"{compression} seeded Galois keys of {galoisPart.Bytes} bytes");

            var records = Oracle.Records[..25];
            var input = await client.EncryptAsync(records, "symmetric-seeded", compression);
            output.WriteLine($"{compression}: seeded SEAL files {keys.GetProperty("sizes")}, input {input.Length} bytes; plan sizes {sizes}");
            Assert.True(input.Length <= sizes.GetProperty("input_ciphertext_bytes").GetInt64(), $"{compression} seeded ciphertext of {input.Length} bytes");
            var result = await PredictAsync(hospital.Http, modelId, keySet.Id, input, records.Length);
            AssertSklearnPrediction(plan, await client.DecryptAsync(result), records.Length);
        }
    }

    [Fact]
    public async Task A_node_seal_ciphertext_or_key_set_under_other_parameters_is_refused_with_parms_mismatch()
    {
        var (hospital, modelId, plan) = await SharedModelAsync();
        using (hospital)
        using (var client = new NodeSealClient(plan))
        using (var foreign = NodeSeal.CreateTempDir())
        {
            var parameters = plan.GetProperty("parameters");
            var parmsId = parameters.GetProperty("parms_id").GetString()!;
            await client.GenerateKeysAsync(seeded: true, compression: "zstd");
            KeySetResponse keySet;
            using (var form = await client.KeySetFormAsync())
            {
                keySet = await Api.UploadAsync(hospital.Http, form);
            }

            // The same N and scale, one data prime fewer: SEAL accepts these parameters, the plan does not.
            var bits = parameters.GetProperty("coeff_modulus_bits").EnumerateArray().Select(b => b.GetInt32()).ToList();
            bits.RemoveAt(bits.Count - 2);
            var made = NodeSeal.Run("batch", new
            {
                requests = new object[]
                {
                    new { command = "keygen", args = new { dir = foreign.Path, n = parameters.GetProperty("poly_modulus_degree").GetInt32(), bits, relin = false, galois = false } },
                    new { command = "encrypt", args = new { dir = foreign.Path, real = client.Pack(Oracle.Records[..4]), scale = client.Scale, @out = "input.bin" } },
                },
            }).GetProperty("results");
            var foreignParmsId = made[0].GetProperty("chain")[0].GetProperty("parmsId").GetString()!;
            var foreignInputParmsId = made[1].GetProperty("parmsId").GetString()!;
            Assert.NotEqual(parmsId, foreignParmsId);
            var foreignInput = await File.ReadAllBytesAsync(foreign.File("input.bin"));

            using (var body = Octets(foreignInput))
            using (var response = await hospital.Http.PostAsync($"/v1/models/{modelId}/predict?keyset_id={keySet.Id}&records=4", body))
            {
                var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ParmsMismatch);
                var detail = problem.GetProperty("detail").GetString();
                Assert.Contains(foreignInputParmsId, detail, StringComparison.Ordinal);
                Assert.Contains(parmsId, detail, StringComparison.Ordinal);
            }

            KeySetResponse foreignKeySet;
            using (var form = Api.KeySetForm(
                (KeySetParts.Parms, await File.ReadAllBytesAsync(foreign.File("parms.bin"))),
                (KeySetParts.PublicKey, await File.ReadAllBytesAsync(foreign.File("public.bin")))))
            {
                foreignKeySet = await Api.UploadAsync(hospital.Http, form);
            }

            Assert.Equal(foreignParmsId, foreignKeySet.ParmsId);
            using (var body = Octets(foreignInput))
            using (var response = await hospital.Http.PostAsync($"/v1/models/{modelId}/predict?keyset_id={foreignKeySet.Id}&records=4", body))
            {
                var problem = await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.ParmsMismatch);
                var detail = problem.GetProperty("detail").GetString();
                Assert.Contains(foreignParmsId, detail, StringComparison.Ordinal);
                Assert.Contains(parmsId, detail, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_standalone_node_seal_client_script_predicts_over_tcp()
    {
        using var directory = new TempDirectory();
        using var factory = new HeComputeFactory(directory.Path);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var server = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var tenant = await factory.NewTenantAsync(Roles.ModelAdmin, Roles.Hospital);
        var model = await ModelTests.RegisterAsync(tenant.Http, shared: false);

        var result = await SealPredictScript.RunAsync(server, tenant.Secret, model.Id, Oracle.Records, "zstd");
        output.WriteLine($"key set of {result.GetProperty("key_set_bytes").GetInt64()} bytes (zstd, seeded)");
        Assert.Equal(model.Plan.Parameters.ParmsId, result.GetProperty("parms_id").GetString());
        var keySet = await (await tenant.Http.GetAsync($"/v1/keysets/{result.GetProperty("key_set_id").GetString()}")).ReadAsync<KeySetResponse>();
        Assert.Equal(model.Plan.Keys.GaloisElements.Order(), keySet.GaloisElements.Order());
        Assert.Equal(model.Plan.Keys.RelinearizationKeys, keySet.HasRelinKeys);
        var outputs = result.GetProperty("outputs").EnumerateArray().Select(o => Assert.Single(o.EnumerateArray()).GetDouble()).ToArray();
        Assert.Equal(Oracle.Records.Length, outputs.Length);
        for (var r = 0; r < outputs.Length; r++)
        {
            Assert.True(Math.Abs(outputs[r] - Oracle.Logits[r]) <= model.Plan.Precision.ExpectedMaxAbsError, $"record {r}: {outputs[r]} vs sklearn {Oracle.Logits[r]}");
            Assert.Equal(Oracle.Classes[r], outputs[r] > 0 ? 1 : 0);
        }
    }

    /// <summary>A model-admin tenant registers the shared model; a hospital of another tenant reads its plan as JSON.</summary>
    private async Task<(TestTenant Hospital, string ModelId, JsonElement Plan)> SharedModelAsync()
    {
        using var owner = await fixture.Factory.NewTenantAsync(Roles.ModelAdmin);
        var model = await ModelTests.RegisterAsync(owner.Http, shared: true);
        var hospital = await fixture.Factory.NewTenantAsync(Roles.Hospital);
        using var plan = JsonDocument.Parse(await hospital.Http.GetStringAsync($"/v1/models/{model.Id}/plan"));
        return (hospital, model.Id, plan.RootElement.Clone());
    }

    private static async Task<byte[]> PredictAsync(HttpClient http, string modelId, string keySetId, byte[] input, int records)
    {
        using var body = Octets(input);
        using var response = await http.PostAsync($"/v1/models/{modelId}/predict?keyset_id={keySetId}&records={records}", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>
    /// The decrypted result against sklearn: at the plan's output level and scale; record r's logit at
    /// r·record_stride + offsets[0] within expected_max_abs_error of sklearn's, with sklearn's class; every other slot
    /// zero within the same bound (the server masks them).
    /// </summary>
    private static void AssertSklearnPrediction(JsonElement plan, JsonElement decrypted, int records)
    {
        var output = plan.GetProperty("output");
        Assert.Equal("logit", output.GetProperty("meaning").GetString());
        Assert.Equal(output.GetProperty("level").GetInt32(), decrypted.GetProperty("chainIndex").GetInt32());
        Assert.Equal(1, decrypted.GetProperty("scale").GetDouble() / output.GetProperty("scale").GetDouble(), 9);
        var bound = plan.GetProperty("precision").GetProperty("expected_max_abs_error").GetDouble();
        var stride = plan.GetProperty("input").GetProperty("record_stride").GetInt32();
        var offset = Assert.Single(output.GetProperty("offsets").EnumerateArray()).GetInt32();
        var slots = decrypted.GetProperty("real").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(plan.GetProperty("parameters").GetProperty("poly_modulus_degree").GetInt32() / 2, slots.Length);
        for (var s = 0; s < slots.Length; s++)
        {
            var r = s / stride;
            if (r < records && s == (r * stride) + offset)
            {
                Assert.True(Math.Abs(slots[s] - Oracle.Logits[r]) <= bound, $"record {r}: {slots[s]} vs sklearn {Oracle.Logits[r]}, bound {bound}");
                Assert.Equal(Oracle.Classes[r], slots[s] > 0 ? 1 : 0);
            }
            else
            {
                Assert.True(Math.Abs(slots[s]) <= bound, $"slot {s} is {slots[s]}, not zero within {bound}");
            }
        }
    }
}
