using HeCompute.Lattice;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Ckks;

/// <summary>Loads through the core with SEALNet's exception for a stream that ends early (<see cref="EndOfStreamException"/>).</summary>
internal static class SealLoad
{
    /// <summary>Runs a core load, turning the core's end-of-stream format error into SEALNet's exception.</summary>
    internal static long Run(Func<long> load)
    {
        try
        {
            return load();
        }
        catch (SealFormatException error) when (error.IsEndOfStream)
        {
            throw new EndOfStreamException(error.Message, error);
        }
    }

    /// <summary>The body of one SEAL object, with <see cref="Run"/>'s exception mapping.</summary>
    internal static byte[] ReadBody(Stream stream, long maxBytes, out SealHeader header)
    {
        try
        {
            return SealSerialization.ReadBody(stream, maxBytes, out header);
        }
        catch (SealFormatException error) when (error.IsEndOfStream)
        {
            throw new EndOfStreamException(error.Message, error);
        }
    }
}
