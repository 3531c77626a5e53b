namespace HeCompute.Client.Prediction;

/// <summary>The encrypted prediction for one DICOM file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Features">The feature values sent (encrypted), in the plan's order.</param>
/// <param name="Result">The decrypted, interpreted result.</param>
public sealed record DicomPrediction(string Path, IReadOnlyList<double> Features, PredictionResult Result);

/// <summary>Predictions for a set of DICOM files, with the transfer sizes and timings of the run.</summary>
/// <param name="Predictions">One per file, in input order.</param>
/// <param name="Run">The encrypted run.</param>
/// <param name="FeatureTime">Time spent reading, de-identifying and extracting features.</param>
public sealed record DicomPredictionRun(IReadOnlyList<DicomPrediction> Predictions, PredictionRun Run, TimeSpan FeatureTime);
