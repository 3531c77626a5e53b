namespace HeCompute.Analytics.Planning;

/// <summary>What a model plan must achieve.</summary>
/// <param name="PrecisionBits">
/// Bits of absolute precision the outputs need: the CKKS noise bound of an output stays below 2^−bits (polynomial
/// approximation errors come on top and are reported separately). 1 to 50.
/// </param>
/// <param name="NoiseFlooding">
/// Whether results will be flooded before they are returned (<see cref="Privacy.NoiseFlooding"/>): the scale gets the
/// extra bits the flooding error needs so the target precision still holds after it.
/// </param>
public sealed record PlanOptions(int PrecisionBits = 20, bool NoiseFlooding = false);
