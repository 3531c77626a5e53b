using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// The breast-cancer model registered by a tenant, with a key set uploaded for it: a predict call's URL and encrypted
/// input for the first records of the cohort, and the client and compiled model that check its answer.
/// </summary>
public sealed class BreastCancerPrediction : IDisposable
{
    private BreastCancerPrediction(ModelResponse model, PlanClient client, IEncryptedModel compiled, double[][] records, string keySetId)
    {
        Model = model;
        Client = client;
        Compiled = compiled;
        Records = records;
        Url = $"/v1/models/{model.Id}/predict?keyset_id={keySetId}&records={records.Length}";
        Input = client.Encrypt(compiled.Pack(records));
    }

    public ModelResponse Model { get; }

    /// <summary>The key holder: it encrypted <see cref="Input"/> and decrypts the answer.</summary>
    public PlanClient Client { get; }

    public IEncryptedModel Compiled { get; }

    public double[][] Records { get; }

    public string Url { get; }

    public byte[] Input { get; }

    /// <summary>Registers the model (not shared) as <paramref name="http"/>'s tenant and uploads the key set its plan lists.</summary>
    public static async Task<BreastCancerPrediction> PrepareAsync(HttpClient http, int records = 5)
    {
        var model = await ModelTests.RegisterAsync(http, shared: false);
        var client = new PlanClient(model.Plan);
        try
        {
            using var keyForm = client.KeySetForm();
            var keySet = await Api.UploadAsync(http, keyForm);
            var oracle = BreastCancerModel.Shared;
            var compiled = ModelPlanner.Compile(ModelDocument.Parse(oracle.ModelJson), model.Plan.Parameters.PolyModulusDegree / 2);
            return new BreastCancerPrediction(model, client, compiled, oracle.Records[..records], keySet.Id);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose() => Client.Dispose();
}
