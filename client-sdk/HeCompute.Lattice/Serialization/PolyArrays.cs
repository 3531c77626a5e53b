namespace HeCompute.Lattice.Serialization;

/// <summary>
/// The coefficient array SEAL nests in plaintexts and ciphertexts (its DynArray object): a header, a u64 element
/// count, then the words.
/// </summary>
internal static class PolyArrays
{
    public static long ArrayObjectSize(long wordCount) => SealHeader.ByteCount + 8 + (8 * wordCount);

    public static void Write(SealBodyWriter writer, ReadOnlySpan<ulong> words)
    {
        NestedObjects.WriteHeader(writer, 8 + (8L * words.Length));
        writer.WriteUInt64((ulong)words.Length);
        writer.WriteUInt64s(words);
    }

    /// <summary>
    /// Reads an array of exactly <paramref name="expectedWords"/> words, or — if <paramref name="allowHalf"/> — of half
    /// that many (a seeded ciphertext stores only c0). The returned array always has room for all expected words.
    /// </summary>
    public static ulong[] Read(ref SealBodyReader reader, int expectedWords, bool allowHalf, out bool isHalf)
    {
        var offset = reader.Position;
        var bodySize = NestedObjects.ReadHeader(ref reader, 8 + (8L * expectedWords));
        var countOffset = reader.Position;
        var count = reader.ReadUInt64();
        isHalf = allowHalf && count == (ulong)expectedWords / 2;
        if (count != (ulong)expectedWords && !isHalf)
        {
            throw new SealFormatException($"Coefficient array declares {count} words; {expectedWords} are expected{(allowHalf ? $" (or {expectedWords / 2} for a seeded ciphertext)" : "")}.", countOffset);
        }

        if (bodySize != 8 + (8L * (long)count))
        {
            throw new SealFormatException($"Coefficient array object is {bodySize + SealHeader.ByteCount} bytes; {count} words need {ArrayObjectSize((long)count)}.", offset);
        }

        var data = new ulong[expectedWords];
        reader.ReadUInt64s(data.AsSpan(0, (int)count));
        return data;
    }

    /// <summary>Refuses coefficients not reduced modulo their prime (SEAL's is_data_valid_for).</summary>
    public static void CheckReduced(ReadOnlySpan<ulong> data, ReadOnlySpan<ulong> moduli, int n, int polyCount, string what)
    {
        var k = moduli.Length;
        for (var p = 0; p < polyCount; p++)
        {
            for (var j = 0; j < k; j++)
            {
                var q = moduli[j];
                var limb = data.Slice(((p * k) + j) * n, n);
                var bad = limb.IndexOfAnyInRange(q, ulong.MaxValue);
                if (bad >= 0)
                {
                    throw new SealFormatException($"{what} coefficient {bad} of polynomial {p} is {limb[bad]}, not reduced modulo prime {j} ({q}).", -1);
                }
            }
        }
    }
}
