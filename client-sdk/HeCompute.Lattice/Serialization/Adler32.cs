namespace HeCompute.Lattice.Serialization;

/// <summary>Adler-32 (RFC 1950 section 8.2), the checksum that ends every zlib stream.</summary>
internal static class Adler32
{
    private const uint Modulus = 65521;

    // Largest run of bytes whose sums cannot overflow 32 bits before reduction (zlib's NMAX).
    private const int MaxRun = 5552;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint a = 1;
        uint b = 0;
        while (!data.IsEmpty)
        {
            int run = Math.Min(MaxRun, data.Length);
            foreach (byte value in data[..run])
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[run..];
        }

        return (b << 16) | a;
    }
}
