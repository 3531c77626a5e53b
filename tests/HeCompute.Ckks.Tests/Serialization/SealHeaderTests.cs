using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Serialization;

public class SealHeaderTests
{
    [Fact]
    public void WritesSealLayout()
    {
        var bytes = new byte[SealHeader.ByteCount];
        SealHeader.Create(CompressionMode.Zstd, 0x0102030405060708).Write(bytes);
        Assert.Equal("5ea11004010200000807060504030201", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void RoundTrips()
    {
        var header = new SealHeader(SealHeader.SealMagic, 16, 4, 4, CompressionMode.Zlib, 12345);
        var bytes = new byte[SealHeader.ByteCount];
        header.Write(bytes);
        Assert.Equal(header, SealHeader.Read(bytes));
        Assert.True(header.IsValid);
    }

    [Fact]
    public void ReadRejectsNonZeroReserved()
    {
        var bytes = Convert.FromHexString("5ea11004010001001000000000000000");
        var e = Assert.Throws<SealFormatException>(() => SealHeader.Read(bytes));
        Assert.Equal(6, e.Offset);
    }

    [Fact]
    public void ReadRejectsShortInput()
    {
        Assert.Throws<SealFormatException>(() => SealHeader.Read(new byte[15]));
    }

    [Theory]
    [InlineData(4, 0, true)]
    [InlineData(4, 1, true)]
    [InlineData(4, 4, true)]
    [InlineData(4, 5, false)]
    [InlineData(3, 4, false)]
    [InlineData(3, 7, false)]
    [InlineData(5, 0, false)]
    public void VersionRules(byte major, byte minor, bool accepted)
    {
        var header = new SealHeader(SealHeader.SealMagic, 16, major, minor, CompressionMode.None, 16);
        Assert.Equal(accepted, header.IsCompatibleVersion);
        Assert.Equal(accepted, header.IsValid);
        if (accepted)
        {
            header.Validate(100);
        }
        else
        {
            Assert.Equal(3, Assert.Throws<SealFormatException>(() => header.Validate(100)).Offset);
        }
    }

    [Fact]
    public void ValidateRejectsEachBadField()
    {
        SealHeader good = SealHeader.Create(CompressionMode.None, 20);
        good.Validate(20);

        Assert.False((good with { Magic = 0xA15F }).IsValid);
        Assert.Equal(0, Assert.Throws<SealFormatException>(() => (good with { Magic = 0xA15F }).Validate(20)).Offset);
        Assert.False((good with { HeaderSize = 15 }).IsValid);
        Assert.Equal(2, Assert.Throws<SealFormatException>(() => (good with { HeaderSize = 15 }).Validate(20)).Offset);
        Assert.False((good with { ComprMode = (CompressionMode)3 }).IsValid);
        Assert.Throws<SealCompressionException>(() => (good with { ComprMode = (CompressionMode)3 }).Validate(20));
        Assert.Equal(8, Assert.Throws<SealFormatException>(() => (good with { Size = 15 }).Validate(20)).Offset);
        Assert.Equal(8, Assert.Throws<SealFormatException>(() => good.Validate(19)).Offset);
    }
}
