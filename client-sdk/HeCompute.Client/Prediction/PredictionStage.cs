namespace HeCompute.Client.Prediction;

/// <summary>The steps of an encrypted prediction, as reported to <see cref="IProgress{T}"/>.</summary>
public enum PredictionStage
{
    /// <summary>Reading and de-identifying a DICOM file.</summary>
    Deidentifying,

    /// <summary>Extracting features.</summary>
    ExtractingFeatures,

    /// <summary>Packing and encrypting a ciphertext.</summary>
    Encrypting,

    /// <summary>Waiting for the server's encrypted result.</summary>
    Computing,

    /// <summary>Decrypting a result.</summary>
    Decrypting,

    /// <summary>Finished.</summary>
    Done,
}

/// <summary>Progress of an encrypted prediction.</summary>
/// <param name="Stage">What is being done.</param>
/// <param name="Completed">Units done in this stage (files or ciphertexts).</param>
/// <param name="Total">Units in this stage.</param>
/// <param name="Item">The file or ciphertext concerned, if any.</param>
public sealed record PredictionProgress(PredictionStage Stage, int Completed, int Total, string? Item = null);
