using HeCompute.Dicom;
using HeCompute.Dicom.Deidentification;
using HeCompute.Dicom.Imaging;
using HeCompute.Features;

namespace HeCompute.Client.Prediction;

/// <summary>
/// DICOM file → de-identified dataset → modality values of the first frame → radiomics features over the whole image
/// (or a caller's region). De-identification runs first, so nothing identifying is held longer than the read.
/// </summary>
public sealed class DicomFeatureReader
{
    private readonly DicomDeidentifier _deidentifier;
    private readonly RadiomicsExtractor _extractor;
    private readonly Func<int, int, RegionOfInterest> _region;

    /// <summary>A reader with a de-identifier, radiomics options and, optionally, a region per image size (default: the whole image).</summary>
    public DicomFeatureReader(DeidentificationOptions deidentification, RadiomicsOptions radiomics, Func<int, int, RegionOfInterest>? region = null)
    {
        ArgumentNullException.ThrowIfNull(deidentification);
        ArgumentNullException.ThrowIfNull(radiomics);
        _deidentifier = new DicomDeidentifier(deidentification);
        _extractor = new RadiomicsExtractor(radiomics);
        _region = region ?? ((_, _) => RegionOfInterest.WholeImage);
    }

    /// <summary>The schema of the vectors this reader produces.</summary>
    public FeatureSchema Schema => _extractor.Schema;

    /// <summary>Reads, de-identifies and extracts the features of one file.</summary>
    /// <exception cref="DicomException">The file is not readable DICOM or its pixels cannot be decoded.</exception>
    /// <exception cref="DeidentificationException">The file cannot be de-identified (e.g. burned-in annotation).</exception>
    /// <exception cref="FeatureExtractionException">The image gives no features (e.g. empty region, non-finite pixels).</exception>
    public async Task<DicomFeatures> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var file = await DicomFile.OpenAsync(stream, new DicomReadOptions(), cancellationToken).ConfigureAwait(false);
            var (deidentified, report) = _deidentifier.Deidentify(file);
            cancellationToken.ThrowIfCancellationRequested();
            var pixels = DicomPixelData.Create(deidentified.Dataset);
            if (pixels.IsColor)
            {
                throw new FeatureExtractionException($"{Path.GetFileName(path)} is a colour image ({pixels.PhotometricInterpretation}); radiomics features need a monochrome frame.");
            }

            var values = pixels.GetFrameValues(0, PixelOutput.ModalityValues);
            var vector = _extractor.Extract(values, pixels.Columns, pixels.Rows, _region(pixels.Columns, pixels.Rows));
            return new DicomFeatures(path, vector, report);
        }
    }

    /// <summary>
    /// The positions in this reader's schema of the features a plan asks for, after checking the plan's schema
    /// fingerprint (when it declares one) and that every feature exists.
    /// </summary>
    /// <exception cref="FeatureSchemaMismatchException">The plan expects another schema or a feature this schema lacks.</exception>
    public int[] SelectFeatures(IReadOnlyList<string> planFeatures, string? schemaFingerprint)
    {
        ArgumentNullException.ThrowIfNull(planFeatures);
        if (schemaFingerprint is not null && !string.Equals(schemaFingerprint, Schema.Fingerprint, StringComparison.Ordinal))
        {
            throw new FeatureSchemaMismatchException($"The model expects feature schema {schemaFingerprint}; this reader produces {Schema} — use the radiomics options the model was trained with.");
        }

        var indexes = new int[planFeatures.Count];
        var missing = new List<string>();
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = Schema.IndexOf(planFeatures[i]);
            if (indexes[i] < 0)
            {
                missing.Add(planFeatures[i]);
            }
        }

        return missing.Count == 0
            ? indexes
            : throw new FeatureSchemaMismatchException($"Features the schema {Schema.Name} v{Schema.Version} does not have are needed: {string.Join(", ", missing)}.");
    }

    /// <summary>
    /// Reads, de-identifies and extracts every file (in order), keeping the features at <paramref name="selection"/>
    /// (from <see cref="SelectFeatures"/>): one record per file, as a model's input or a dataset's rows. Reports
    /// <see cref="PredictionStage.Deidentifying"/> and <see cref="PredictionStage.ExtractingFeatures"/> per file.
    /// </summary>
    /// <exception cref="DicomException">A file is not readable DICOM or its pixels cannot be decoded.</exception>
    /// <exception cref="DeidentificationException">A file cannot be de-identified (e.g. burned-in annotation, not cleaned).</exception>
    /// <exception cref="FeatureExtractionException">An image gives no features.</exception>
    public async Task<double[][]> ReadRecordsAsync(
        IReadOnlyList<string> paths, IReadOnlyList<int> selection, IProgress<PredictionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(selection);
        var records = new double[paths.Count][];
        for (var i = 0; i < paths.Count; i++)
        {
            progress?.Report(new PredictionProgress(PredictionStage.Deidentifying, i, paths.Count, paths[i]));
            var features = await ReadAsync(paths[i], cancellationToken).ConfigureAwait(false);
            progress?.Report(new PredictionProgress(PredictionStage.ExtractingFeatures, i + 1, paths.Count, paths[i]));
            var record = new double[selection.Count];
            for (var t = 0; t < record.Length; t++)
            {
                record[t] = features.Vector[selection[t]];
            }

            records[i] = record;
        }

        return records;
    }
}
