using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>The <see cref="BreastCancerCohort"/> as a server dataset: its definition, creation, packing as the dataset's plan says, and appends.</summary>
public static class CohortDatasets
{
    /// <summary>The dataset definition (features, bounds) with the given options.</summary>
    public static CreateDatasetRequest Request(
        string name, bool encryptedFinish = false, bool noiseFlooding = false, int? maxRecords = 1000, int? precisionBits = null, IReadOnlyList<string>? categories = null) =>
        new(name, BreastCancerCohort.Features, BreastCancerCohort.Lower, BreastCancerCohort.Upper, categories, encryptedFinish, maxRecords, precisionBits, noiseFlooding);

    /// <summary>
    /// Slots of one ciphertext as the plan's packing says. Rows may end with the features: the column after them is
    /// then the constant 1 of the count column.
    /// </summary>
    public static double[] Pack(PlanDocument plan, IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var columns = plan.Input.Features.Count;
        return new PlanPacker(plan).Pack([.. rows.Select(r => r.Length < columns ? (IReadOnlyList<double>)[.. r, 1.0] : r)]);
    }

    /// <summary>Creates a dataset and returns it (asserting 201).</summary>
    public static async Task<DatasetResponse> CreateAsync(HttpClient http, CreateDatasetRequest request)
    {
        using var response = await http.PostAsJsonAsync("/v1/datasets", request, HeComputeJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<DatasetResponse>();
    }

    /// <summary>Appends one ciphertext of <paramref name="records"/> records.</summary>
    public static Task<HttpResponseMessage> AppendAsync(HttpClient http, string datasetId, byte[] ciphertext, int records)
    {
        var content = new ByteArrayContent(ciphertext);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return http.PostAsync($"/v1/datasets/{datasetId}/batches?records={records}", content);
    }
}
