using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>
/// Files that other toolkits read partially: real test files cut at chosen points (inside the last element's value,
/// inside an element header, inside a tag, inside a sequence, inside native and encapsulated pixel data) and files with
/// wrong group lengths. The elements a partial read keeps are compared with dcmdump's (dcmtk, <c>+E</c>: print what it
/// read of a damaged file) and pydicom's view of the same bytes; the strict default refuses every cut file with an offset.
/// </summary>
public sealed partial class PartialReadTests
{
    private static readonly DicomReadOptions Partial = new() { Partial = true };

    private static string Test(string name) => Path.Combine(ExternalTools.PydicomTestFiles, name);

    /// <summary>Where each case cuts a file, given the intact file's strict read.</summary>
    public enum Cut
    {
        /// <summary>Half-way through the value of a top-level element in the middle of the dataset.</summary>
        MidValue,

        /// <summary>Three bytes before the value of that element: inside its VR/length fields.</summary>
        MidHeader,

        /// <summary>Two bytes into that element's tag.</summary>
        MidTag,

        /// <summary>Inside the last top-level element before the pixel data (the last element when pixel data is dropped).</summary>
        LastElementValue,

        /// <summary>Inside the pixel data (native value or a fragment).</summary>
        MidPixelData,

        /// <summary>Inside a top-level sequence.</summary>
        MidSequence,
    }

    public static TheoryData<string, Cut> Cases()
    {
        var data = new TheoryData<string, Cut>();
        foreach (var name in new[] { "CT_small.dcm", "MR_small_implicit.dcm", "ExplVR_BigEnd.dcm", "SC_rgb_rle.dcm", "JPEG2000.dcm" })
        {
            foreach (var cut in new[] { Cut.MidValue, Cut.MidHeader, Cut.MidTag, Cut.LastElementValue, Cut.MidPixelData })
            {
                data.Add(name, cut);
            }
        }

        data.Add("CT_small.dcm", Cut.MidSequence);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ACutFileReadsTheSoundElementsTheOraclesRead(string name, Cut cut)
    {
        var intactBytes = File.ReadAllBytes(Test(name));
        var intact = DicomFile.Open(Test(name));
        var (cutAt, expectedTag, firstUnread) = CutPoint(intact, cut);
        var work = ExternalTools.TempDirectory("partial");
        var path = Path.Combine(work, $"{Path.GetFileNameWithoutExtension(name)}-{cut}.dcm");
        File.WriteAllBytes(path, intactBytes[..(int)cutAt]);

        // The strict default refuses, with the offset.
        var refusal = Assert.ThrowsAny<DicomFormatException>(() => DicomFile.Open(path));
        Assert.NotNull(refusal.Offset);

        var partial = DicomFile.Open(path, Partial);
        var unsound = Assert.IsType<DicomUnsoundElement>(partial.Unsound);
        Assert.Equal(expectedTag, unsound.Tag);
        Assert.False(unsound.InFileMetaInformation);
        Assert.InRange(unsound.Offset, 0, cutAt);
        if (unsound.Tag is { } tag)
        {
            // The offset is the element's header: its tag is written there (in the file's byte order).
            bool bigEndian = intact.TransferSyntax.IsBigEndian;
            var header = intactBytes.AsSpan((int)unsound.Offset, 4);
            ushort group = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header);
            ushort element = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
            Assert.Equal(tag, new DicomTag(group, element));
            Assert.Null(partial.Dataset.GetItem(tag));
        }

        // Everything before the unsound element was read, equal to the intact file's elements.
        var ours = partial.FileMetaInfo.Concat(partial.Dataset).Select(i => i.Tag).ToList();
        var before = intact.FileMetaInfo.Concat(intact.Dataset).Select(i => i.Tag).TakeWhile(t => t != firstUnread).ToList();
        Assert.Equal(before, ours);
        foreach (var item in partial.Dataset.OfType<DicomElement>())
        {
            Assert.Equal(((DicomElement)intact.Dataset.GetItem(item.Tag)!).RawValue.ToArray(), item.RawValue.ToArray());
        }

        // dcmdump +E prints what it read of the damaged file; without the unsound element, the same tags.
        Assert.Equal(DcmdumpTopLevelTags(path).Where(t => t != unsound.Tag).ToList(), ours);

        // pydicom, when it reads the cut file at all, has the same elements once the cut-off values are left out.
        var oracle = PydicomOracle.Dump([path])[path];
        if (!oracle.TryGetProperty("error", out _))
        {
            var differences = PydicomOracle.Compare(Sound(oracle.GetProperty("meta"), unsound.Tag), partial.FileMetaInfo, "meta");
            differences.AddRange(PydicomOracle.Compare(Sound(oracle.GetProperty("dataset"), unsound.Tag), partial.Dataset, "dataset"));
            Assert.True(differences.Count == 0, PydicomOracle.Report(differences));
        }
    }

    [Fact]
    public void ACutFileMetaInformationIsReportedAndNothingElseIsRead()
    {
        var intactBytes = File.ReadAllBytes(Test("CT_small.dcm"));
        var intact = DicomFile.Open(Test("CT_small.dcm"));
        var uid = (DicomElement)intact.FileMetaInfo.GetItem(DicomTag.MediaStorageSOPInstanceUID)!;
        var path = Path.Combine(ExternalTools.TempDirectory("partial"), "meta-cut.dcm");
        File.WriteAllBytes(path, intactBytes[..(int)(uid.ValueOffset!.Value + 5)]);

        Assert.ThrowsAny<DicomFormatException>(() => DicomFile.Open(path));
        var partial = DicomFile.Open(path, Partial);
        var unsound = Assert.IsType<DicomUnsoundElement>(partial.Unsound);
        Assert.True(unsound.InFileMetaInformation);
        Assert.Equal(DicomTag.MediaStorageSOPInstanceUID, unsound.Tag);
        Assert.Empty(partial.Dataset);
        Assert.Equal(DcmdumpTopLevelTags(path).Where(t => t != unsound.Tag), partial.FileMetaInfo.Select(i => i.Tag));
    }

    /// <summary>A wrong File Meta group length (too small, too large) and wrong dataset group lengths (little and big endian).</summary>
    public static TheoryData<string, uint, uint> WrongGroupLengths() => new()
    {
        { "CT_small.dcm", 0x0002, 20 },
        { "CT_small.dcm", 0x0002, 100_000 },
        { "ExplVR_BigEnd.dcm", 0x0008, 3 },
        { "ExplVR_BigEnd.dcm", 0x0028, 0xFFFFFF00 },
        { "693_J2KI.dcm", 0x0010, 0 },
    };

    [Theory]
    [MemberData(nameof(WrongGroupLengths))]
    public void AWrongGroupLengthDoesNotDerailParsing(string name, uint group, uint wrongLength)
    {
        var bytes = File.ReadAllBytes(Test(name));
        var intact = DicomFile.Open(Test(name));
        var groupLength = (DicomElement)(group == 0x0002 ? intact.FileMetaInfo : intact.Dataset).GetItem(new DicomTag((ushort)group, 0))!;
        bool bigEndian = group != 0x0002 && intact.TransferSyntax.IsBigEndian;
        var value = bytes.AsSpan((int)groupLength.ValueOffset!.Value, 4);
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, wrongLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(value, wrongLength);
        }

        var path = Path.Combine(ExternalTools.TempDirectory("group-length"), $"{group:X4}-{wrongLength}-{name}");
        File.WriteAllBytes(path, bytes);

        // Strict and partial reads read every element, as pydicom and dcmdump do.
        var file = DicomFile.Open(path);
        Assert.Null(DicomFile.Open(path, Partial).Unsound);
        Assert.Equal(intact.FileMetaInfo.Concat(intact.Dataset).Select(i => i.Tag), file.FileMetaInfo.Concat(file.Dataset).Select(i => i.Tag));
        Assert.Equal(DcmdumpTopLevelTags(path).Order(), file.FileMetaInfo.Concat(file.Dataset).Select(i => i.Tag).Order());
        var oracle = PydicomOracle.Dump([path])[path];
        var differences = PydicomOracle.Compare(oracle.GetProperty("meta"), file.FileMetaInfo, "meta");
        differences.AddRange(PydicomOracle.Compare(oracle.GetProperty("dataset"), file.Dataset, "dataset"));
        Assert.True(differences.Count == 0, PydicomOracle.Report(differences));
    }

    [Fact]
    public void EveryCutOfARealFileIsReadPartiallyWithinBoundsAndNeverRaises()
    {
        // Fuzz-like sweep: every 13th cut of three encodings. A partial read never raises, keeps a prefix of the intact
        // file's elements, and its allocations stay bounded by the file (values are checked against the data left).
        foreach (var name in new[] { "CT_small.dcm", "MR_small_implicit.dcm", "SC_rgb_rle.dcm" })
        {
            var bytes = File.ReadAllBytes(Test(name));
            var intact = DicomFile.Open(new MemoryStream(bytes), new DicomReadOptions { DeferPixelData = false });
            var tags = intact.FileMetaInfo.Concat(intact.Dataset).Select(i => i.Tag).ToList();
            var options = new DicomReadOptions { Partial = true, DeferPixelData = false, MaxTotalBytes = bytes.Length, MaxParserSteps = 4L * bytes.Length };
            for (int cut = 140; cut < bytes.Length; cut += 13)
            {
                var partial = DicomFile.Open(new MemoryStream(bytes, 0, cut), options);
                var read = partial.FileMetaInfo.Concat(partial.Dataset).Select(i => i.Tag).ToList();
                Assert.Equal(tags.Take(read.Count), read);
                if (partial.Unsound is { Tag: { } tag })
                {
                    Assert.Equal(tags[read.Count], tag);
                }
            }
        }
    }

    [Fact]
    public void MutatedFilesReadPartiallyWithBoundedAllocation()
    {
        // Random flips, cuts and huge lengths, read in partial mode: a DicomException with an offset or a partial file
        // whose report lies inside the data; never another exception, never more than a small multiple of the input
        // allocated (the length checks before each allocation are the strict read's).
        var random = new Random(20261204);
        var failures = new List<string>();
        foreach (var name in new[] { "CT_small.dcm", "MR_small_implicit.dcm", "ExplVR_BigEnd.dcm", "SC_rgb_rle.dcm", "JPEG2000.dcm", "rtplan.dcm" })
        {
            var original = File.ReadAllBytes(Test(name));
            for (int i = 0; i < 60; i++)
            {
                var data = original.ToArray();
                int at = random.Next(132, data.Length - 4);
                switch (i % 3)
                {
                    case 0:
                        data[at] ^= (byte)random.Next(1, 256);
                        break;
                    case 1:
                        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), 0xFFFFFFF0u - (uint)random.Next(1000));
                        break;
                    default:
                        data = data[..at];
                        break;
                }

                var options = new DicomReadOptions { Partial = true, DeferPixelData = false, MaxParserSteps = 4L * data.Length };
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var file = DicomFile.Open(new MemoryStream(data), options);
                    if (file.Unsound is { } unsound && (unsound.Offset < 0 || unsound.Offset > data.Length))
                    {
                        failures.Add($"{name} #{i}: unsound offset {unsound.Offset} outside {data.Length} bytes");
                    }
                }
                catch (DicomException ex) when (ex.Offset is not null || ex is DicomDataException)
                {
                }
                catch (Exception ex)
                {
                    failures.Add($"{name} #{i}: {ex.GetType().Name}: {ex.Message}");
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > (32L * 1024 * 1024) + (16L * data.Length))
                {
                    failures.Add($"{name} #{i}: allocated {allocated} bytes for {data.Length}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static (long Cut, DicomTag? Reported, DicomTag FirstUnread) CutPoint(DicomFile intact, Cut cut)
    {
        var elements = intact.Dataset.OfType<DicomElement>().Where(e => e.ValueOffset is not null && e.Tag != DicomTag.PixelData).ToList();
        var middle = elements.Where(e => e.Length >= 4).ElementAt(elements.Count(e => e.Length >= 4) / 2);
        var pixelData = intact.Dataset.GetItem(DicomTag.PixelData);
        switch (cut)
        {
            case Cut.MidValue:
                return (middle.ValueOffset!.Value + (middle.Length / 2), middle.Tag, middle.Tag);
            case Cut.MidHeader:
                return (middle.ValueOffset!.Value - 3, middle.Tag, middle.Tag);
            case Cut.MidTag:
                return (HeaderOffset(intact, middle) + 2, null, middle.Tag);
            case Cut.LastElementValue:
                var last = elements.Last(e => e.Length >= 2);
                return (last.ValueOffset!.Value + (last.Length / 2), last.Tag, last.Tag);
            case Cut.MidPixelData:
                return pixelData switch
                {
                    DicomFragmentSequence fragments => (fragments.Fragments[^1].Offset + (fragments.Fragments[^1].Length / 2), DicomTag.PixelData, DicomTag.PixelData),
                    DicomElement native => (native.ValueOffset!.Value + (native.Length / 2), DicomTag.PixelData, DicomTag.PixelData),
                    _ => throw new InvalidOperationException("no pixel data"),
                };
            default:
                var sequence = intact.Dataset.OfType<DicomSequence>().First();
                var previous = intact.Dataset.TakeWhile(i => i.Tag != sequence.Tag).OfType<DicomElement>().Last();
                var next = intact.Dataset.SkipWhile(i => i.Tag != sequence.Tag).Skip(1).OfType<DicomElement>().First();
                long start = previous.ValueOffset!.Value + previous.Length;
                return ((start + HeaderOffset(intact, next)) / 2, sequence.Tag, sequence.Tag);
        }
    }

    // The header of an element read from a file: 12 bytes before the value for explicit VR long-length VRs, else 8.
    private static long HeaderOffset(DicomFile file, DicomElement element) =>
        element.ValueOffset!.Value - (file.TransferSyntax.IsExplicitVR && DicomVRInfo.HasLongLength(element.VR) ? 12 : 8);

    [GeneratedRegex(@"^\(([0-9a-f]{4}),([0-9a-f]{4})\)", RegexOptions.Multiline)]
    private static partial Regex DcmdumpLine();

    /// <summary>dcmdump's top-level elements (meta and dataset) of a possibly damaged file, in order (+E: print what was read).</summary>
    private static List<DicomTag> DcmdumpTopLevelTags(string path)
    {
        var result = ExternalTools.Run(ExternalTools.Dcmtk("dcmdump"), ["+E", path]);
        return DcmdumpLine().Matches(result.StandardOutput)
            .Select(m => new DicomTag(Convert.ToUInt16(m.Groups[1].Value, 16), Convert.ToUInt16(m.Groups[2].Value, 16)))
            .Where(t => t.Group != 0xFFFE) // dcmdump closes a damaged encapsulated value or sequence with a delimiter of its own
            .ToList();
    }

    /// <summary>pydicom's elements without the unsound one and without values the file ends inside of.</summary>
    private static JsonElement Sound(JsonElement elements, DicomTag? unsound)
    {
        var kept = new JsonArray();
        foreach (var e in elements.EnumerateArray())
        {
            if (e.TryGetProperty("truncated", out _) || (unsound is { } tag && DicomTag.Parse(e.GetProperty("tag").GetString()!) == tag))
            {
                continue;
            }

            kept.Add(JsonNode.Parse(e.GetRawText()));
        }

        return JsonDocument.Parse(kept.ToJsonString()).RootElement.Clone();
    }
}
