using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeCompute.Contracts;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// Records of the 569-record breast-cancer data (Debian's python3-sklearn CSV): three features with declared bounds,
/// the double-precision moments the server's encrypted statistics are compared with, and what a client does with a
/// dataset's plan (pack records, decrypt sums and products).
/// </summary>
public sealed class BreastCancerCohort
{
    public const string DataFile = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";

    public static readonly string[] Features = ["mean radius", "mean texture", "mean smoothness"];

    public static readonly double[] Lower = [5, 9, 0.05];

    public static readonly double[] Upper = [30, 40, 0.17];

    private static readonly int[] Sources = [0, 1, 4];

    private static readonly Lazy<BreastCancerCohort> SharedInstance = new(() => new BreastCancerCohort());

    private BreastCancerCohort()
    {
        Assert.True(File.Exists(DataFile), $"{DataFile} is missing: install Debian's python3-sklearn.");
        var cells = File.ReadLines(DataFile).Skip(1).Select(line => line.Split(',')).ToArray();
        Rows = [.. cells.Select(row => Sources.Select(s => double.Parse(row[s], CultureInfo.InvariantCulture)).ToArray())];
        // The last column is the target: 0 = malignant, 1 = benign (the header's class names, in that order).
        Malignant = [.. cells.Select(row => row[^1] == "0")];
        Assert.Equal(569, Rows.Length);
        Assert.Equal(212, Malignant.Count(m => m));
    }

    public static BreastCancerCohort Shared => SharedInstance.Value;

    /// <summary>Feature values, one row per record.</summary>
    public double[][] Rows { get; }

    /// <summary>Per record, whether the tumour is malignant (the data's target).</summary>
    public bool[] Malignant { get; }

    /// <summary>The dataset definition (features, bounds) with the given options.</summary>
    public static CreateDatasetRequest Request(
        string name, bool encryptedFinish = false, bool noiseFlooding = false, int? maxRecords = 1000, int? precisionBits = null, IReadOnlyList<string>? categories = null) =>
        new(name, Features, Lower, Upper, categories, encryptedFinish, maxRecords, precisionBits, noiseFlooding);

    /// <summary>Slots of one ciphertext as the plan's packing says: record r's column c at r·stride + offset[c], divided by scale_by[c].</summary>
    public static double[] Pack(PlanDocument plan, IReadOnlyList<double[]> rows)
    {
        var input = plan.Input;
        var slots = new double[plan.Parameters.PolyModulusDegree / 2];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < input.Features.Count; c++)
            {
                // Rows may end with the features: the columns after them are then the constant 1 of the count column.
                var value = c < rows[r].Length ? rows[r][c] : 1.0;
                slots[(r * input.RecordStride) + input.FeatureOffsets[c]] = value / (input.ScaleBy?[c] ?? 1);
            }
        }

        return slots;
    }

    /// <summary>The categories of <see cref="WithDiagnosis"/>'s indicator columns.</summary>
    public static readonly string[] Diagnoses = ["malignant", "benign"];

    /// <summary>
    /// The first <paramref name="count"/> records as a dataset with <see cref="Diagnoses"/> packs them: the features,
    /// the count column's 1, then the malignant and benign indicators.
    /// </summary>
    public double[][] WithDiagnosis(int count) =>
        [.. Rows[..count].Select((r, i) => (double[])[.. r, 1, Malignant[i] ? 1 : 0, Malignant[i] ? 0 : 1])];

    /// <summary>Mean of feature c over <paramref name="rows"/> (double precision).</summary>
    public static double Mean(IReadOnlyList<double[]> rows, int c) => rows.Average(r => r[c]);

    /// <summary>Sample covariance of features a and b (two-pass, double precision).</summary>
    public static double Covariance(IReadOnlyList<double[]> rows, int a, int b)
    {
        var (ma, mb) = (Mean(rows, a), Mean(rows, b));
        return rows.Sum(r => (r[a] - ma) * (r[b] - mb)) / (rows.Count - 1);
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
