namespace HeCompute.Analytics.Polynomials;

/// <summary>A ciphertext the simulator tracks without data: its level and scale.</summary>
internal sealed class SimulatedCiphertext(int level, double scale)
{
    public int Level { get; } = level;

    public double Scale { get; } = scale;

    public CiphertextShape Shape => new(Level, Scale);
}
