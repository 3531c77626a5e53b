namespace HeCompute.Client.Http;

/// <summary>The answer of a synchronous encrypted prediction.</summary>
/// <param name="Ciphertext">The result ciphertext (SEAL bytes), checked against <paramref name="Sha256"/>.</param>
/// <param name="Records">Records in the result.</param>
/// <param name="Sha256">Hex SHA-256 of the result, as the server announced it.</param>
/// <param name="ComputeMilliseconds">Server compute time, when announced.</param>
public sealed record PredictResponse(byte[] Ciphertext, int Records, string Sha256, double? ComputeMilliseconds);
