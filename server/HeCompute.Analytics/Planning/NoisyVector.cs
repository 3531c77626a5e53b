namespace HeCompute.Analytics.Planning;

/// <summary>Slot values of a simulated ciphertext in double precision, with the level and scale it would have.</summary>
internal sealed class NoisyVector(double[] values, int level, double scale)
{
    public double[] Values { get; } = values;

    public int Level { get; } = level;

    public double Scale { get; } = scale;
}
