using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Serialization;

public class SealBodyReaderWriterTests
{
    [Fact]
    public void WriterProducesLittleEndianAndReaderReadsItBack()
    {
        var writer = new SealBodyWriter(initialCapacity: 1);
        writer.WriteByte(0xAB);
        writer.WriteUInt16(0x1234);
        writer.WriteUInt32(0x89ABCDEF);
        writer.WriteUInt64(0x0102030405060708);
        writer.WriteDouble(1.5);
        writer.WriteBytes([7, 8, 9]);
        writer.WriteUInt64s([1UL, ulong.MaxValue]);

        Assert.Equal(
            "ab" + "3412" + "efcdab89" + "0807060504030201" + "000000000000f83f" + "070809" +
            "0100000000000000" + "ffffffffffffffff",
            Convert.ToHexStringLower(writer.WrittenSpan));

        var reader = new SealBodyReader(writer.WrittenSpan);
        Assert.Equal(0xAB, reader.ReadByte());
        Assert.Equal(0x1234, reader.ReadUInt16());
        Assert.Equal(0x89ABCDEFu, reader.ReadUInt32());
        Assert.Equal(0x0102030405060708UL, reader.ReadUInt64());
        Assert.Equal(1.5, reader.ReadDouble());
        var three = new byte[3];
        reader.ReadBytes(three);
        Assert.Equal(new byte[] { 7, 8, 9 }, three);
        var words = new ulong[2];
        reader.ReadUInt64s(words);
        Assert.Equal(new[] { 1UL, ulong.MaxValue }, words);
        Assert.Equal(0, reader.Remaining);
        reader.EnsureEnd();
    }

    [Fact]
    public void ReaderReportsOffsetOfFailedRead()
    {
        var reader = new SealBodyReader(new byte[10]);
        reader.ReadUInt64();
        SealFormatException e;
        try
        {
            reader.ReadUInt64();
            throw new InvalidOperationException("expected failure");
        }
        catch (SealFormatException caught)
        {
            e = caught;
        }

        Assert.Equal(8, e.Offset);
        Assert.Equal(8, reader.Position);
        Assert.Equal(2, reader.Remaining);
    }

    [Fact]
    public void ReaderChecksBulkReadsUpFront()
    {
        var reader = new SealBodyReader(new byte[23]);
        Assert.Throws<SealFormatException>(() =>
        {
            var r = new SealBodyReader(new byte[23]);
            r.ReadUInt64s(new ulong[3]);
        });
        reader.ReadUInt64s(new ulong[2]);
        Assert.Equal(16, reader.Position);
    }

    [Fact]
    public void EnsureEndRejectsTrailingBytes()
    {
        var e = Assert.Throws<SealFormatException>(() =>
        {
            var r = new SealBodyReader(new byte[3]);
            r.ReadByte();
            r.EnsureEnd();
        });
        Assert.Equal(1, e.Offset);
    }

    [Fact]
    public void ReaderRejectsNegativeLengths()
    {
        Assert.Throws<SealFormatException>(() =>
        {
            var r = new SealBodyReader(new byte[3]);
            r.ReadSpan(-1);
        });
    }

    [Fact]
    public void WriterActsAsBufferWriterAndClearWipes()
    {
        var writer = new SealBodyWriter(0);
        Span<byte> span = writer.GetSpan(4);
        Assert.True(span.Length >= 4);
        span[0] = 42;
        writer.Advance(1);
        writer.WriteUInt64s(new ulong[100]);
        Assert.Equal(801, writer.WrittenCount);
        Assert.Equal(42, writer.WrittenSpan[0]);
        writer.Clear();
        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.GetSpan(1).Length > 0);
        Assert.Equal(0, writer.GetSpan(1)[0]);
    }
}
