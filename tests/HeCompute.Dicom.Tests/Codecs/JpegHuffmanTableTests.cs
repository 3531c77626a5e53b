using HeCompute.Dicom.Codecs;

namespace HeCompute.Dicom.Tests.Codecs;

/// <summary>A DHT segment's counts are validated before any table is built: the fuzzing found counts that indexed past the lookup table.</summary>
public sealed class JpegHuffmanTableTests
{
    // SOI, then one DHT segment holding the given table class/id, 16 counts and values, then EOI.
    private static byte[] Stream(byte tableClassAndId, byte[] counts, int valueCount)
    {
        Assert.Equal(16, counts.Length);
        int length = 2 + 1 + 16 + valueCount;
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xC4, (byte)(length >> 8), (byte)length, tableClassAndId };
        bytes.AddRange(counts);
        for (int i = 0; i < valueCount; i++)
        {
            bytes.Add((byte)i);
        }

        bytes.AddRange([0xFF, 0xD9]);
        return [.. bytes];
    }

    private static byte[] Counts(params (int Length, int Count)[] entries)
    {
        var counts = new byte[16];
        foreach (var (length, count) in entries)
        {
            counts[length - 1] = (byte)count;
        }

        return counts;
    }

    [Fact]
    public void Three_codes_of_length_one_are_refused_as_over_subscribed()
    {
        // Lengths up to 9 are laid out in a 512-entry lookup table; the third 1-bit code would start at entry 1024.
        var e = Assert.Throws<DicomCodecException>(() => JpegDecoder.Decode(Stream(0x00, Counts((1, 3)), 3)));
        Assert.Equal("JPEG DHT table DC0 over-subscribes the code space: 3 codes of length 1, but only 2 remain.", e.Message);
    }

    [Fact]
    public void Over_subscription_at_a_longer_length_names_that_length()
    {
        // One 1-bit code leaves two 2-bit codes; one of them leaves two 3-bit codes, and five do not fit.
        var e = Assert.Throws<DicomCodecException>(() => JpegDecoder.Decode(Stream(0x13, Counts((1, 1), (2, 1), (3, 5)), 7)));
        Assert.Equal("JPEG DHT table AC3 over-subscribes the code space: 5 codes of length 3, but only 2 remain.", e.Message);
    }

    [Fact]
    public void More_than_256_codes_are_refused_before_the_values_are_read()
    {
        // 136 eight-bit codes and 17 of each length 9…16: 272 codes fit the code space but not an 8-bit alphabet.
        var counts = Counts((9, 17), (10, 17), (11, 17), (12, 17), (13, 17), (14, 17), (15, 17), (16, 17), (8, 136));
        var e = Assert.Throws<DicomCodecException>(() => JpegDecoder.Decode(Stream(0x10, counts, 0)));
        Assert.Equal("JPEG DHT table AC0 declares 272 codes; at most 256 are possible.", e.Message);
    }

    [Fact]
    public void A_complete_table_is_accepted()
    {
        // Two 2-bit codes, then the remaining 2 × 2 = 4 three-bit codes: exactly the code space. The stream has no
        // frame, so the decoder gets past the table and stops for want of one.
        var e = Assert.Throws<DicomCodecException>(() => JpegDecoder.Decode(Stream(0x01, Counts((2, 2), (3, 4)), 6)));
        Assert.DoesNotContain("DHT", e.Message, StringComparison.Ordinal);
    }
}
