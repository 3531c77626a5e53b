using HeCompute.Dicom.Deidentification;
using HeCompute.Features;

namespace HeCompute.Client.Prediction;

/// <summary>The features of one DICOM file, extracted after de-identification.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Vector">The full radiomics vector with its schema.</param>
/// <param name="Report">What the de-identification did (paths and actions, never values).</param>
public sealed record DicomFeatures(string Path, FeatureVector Vector, DeidentificationReport Report);
