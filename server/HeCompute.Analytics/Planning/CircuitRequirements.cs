namespace HeCompute.Analytics.Planning;

/// <summary>
/// What the search needs to know about a circuit compiled for one ring degree: its depth and output error on
/// candidate parameters, the magnitude of its outputs and the precision asked for.
/// </summary>
/// <param name="DepthOf">Levels the circuit consumes on a context (may depend on the primes and the scale).</param>
/// <param name="NoiseOf">Bound on the CKKS error of an output (message units) on a context deep enough for it.</param>
/// <param name="OutputMagnitude">Bound on |output| in message units (sizes the first prime).</param>
/// <param name="TargetBits">Bits of absolute precision asked for: the error bound must stay below 2^−bits.</param>
/// <param name="ExtraScaleBits">Bits of error bound kept free on top of the target (noise flooding).</param>
internal sealed record CircuitRequirements(
    Func<EvaluationContext, int> DepthOf,
    Func<EvaluationContext, double> NoiseOf,
    double OutputMagnitude,
    int TargetBits,
    int ExtraScaleBits);
