namespace HeCompute.Client.Prediction;

/// <summary>The results of an encrypted prediction with what was sent and how long each part took (never any values).</summary>
/// <param name="Results">One result per record, in input order.</param>
/// <param name="Ciphertexts">Ciphertexts sent.</param>
/// <param name="BytesSent">Bytes of ciphertext sent.</param>
/// <param name="BytesReceived">Bytes of ciphertext received.</param>
/// <param name="Encrypt">Time spent packing and encrypting.</param>
/// <param name="RoundTrip">Time from sending to having the result bytes, server compute included.</param>
/// <param name="ServerCompute">Compute time the server reported (sum over ciphertexts), if it did.</param>
/// <param name="Decrypt">Time spent decrypting and decoding.</param>
/// <param name="JobId">The <c>predict-batch</c> job, for a batch run (its server compute is the job's running time).</param>
public sealed record PredictionRun(
    IReadOnlyList<PredictionResult> Results,
    int Ciphertexts,
    long BytesSent,
    long BytesReceived,
    TimeSpan Encrypt,
    TimeSpan RoundTrip,
    TimeSpan? ServerCompute,
    TimeSpan Decrypt,
    string? JobId = null);
