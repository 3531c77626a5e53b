using System.Buffers.Binary;
using Xunit.Abstractions;

namespace HeCompute.Dicom.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing over pydicom's real files: random byte flips, truncations, huge and bogus lengths, bad VRs, inserted
/// and deleted bytes, undefined lengths, deep nesting. Reading (and then touching every value) must either succeed or
/// raise a <see cref="DicomException"/> with a byte offset — never another exception type, never more parser loop passes
/// than a linear bound in the input size (so a loop without progress fails instead of hanging, and re-parsing shows
/// up whatever the machine's speed), and never an allocation beyond a small multiple of the input size. Deterministic
/// (fixed seed); a failure names file and mutation. Reading speed is measured in bench/, not asserted here.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper output)
{
    private const int MutationsPerFile = 120;
    private const int Seed = 20240229;

    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (string file in ExternalTools.PydicomFiles().Concat(ExternalTools.PydicomCharsetFileList()))
        {
            if (new FileInfo(file).Length <= 600_000)
            {
                data.Add(Path.GetRelativePath(ExternalTools.PydicomData, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MutatedFilesFailOnlyWithDicomExceptions(string name)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(ExternalTools.PydicomData, name));
        var random = new Random(Seed ^ StringComparer.Ordinal.GetHashCode(name) ^ name.Length);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < MutationsPerFile; i++)
        {
            var (mutated, description) = Mutate(original, random);
            string? failure = TryRead(mutated, i % 4 == 0, out string outcome);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (failure is not null)
            {
                failures.Add($"{name} mutation {i} ({description}): {failure}");
            }
        }

        output.WriteLine($"{name}: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }

    [Fact]
    public void HandcraftedMalformedInputsFailWithOffsets()
    {
        var cases = new Dictionary<string, byte[]>
        {
            ["empty"] = [],
            ["preamble only"] = [.. new byte[128], .. "DICM"u8.ToArray()],
            ["garbage"] = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 >> 3)).ToArray(),
            ["text file"] = "This is not DICOM at all, just some text that goes on.\n"u8.ToArray(),
            ["huge explicit length"] = Element(0x0010, 0x0010, "UT", 0xFFFFFFF0, []),
            ["huge implicit length"] = [0x10, 0x00, 0x10, 0x00, 0xF0, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4],
            ["undefined length on a string"] = Element(0x0010, 0x0010, "UT", 0xFFFFFFFF, []),
            ["item outside a sequence"] = [0xFE, 0xFF, 0x00, 0xE0, 0x04, 0, 0, 0, 1, 2, 3, 4],
            ["truncated header"] = [0x08, 0x00, 0x05, 0x00, (byte)'C'],
            ["sequence without delimiter"] = [.. Element(0x0008, 0x1140, "SQ", 0xFFFFFFFF, []), 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF],
            ["item longer than its sequence"] = [.. Element(0x0008, 0x1140, "SQ", 8, []), 0xFE, 0xFF, 0x00, 0xE0, 0x10, 0, 0, 0],
            ["fragment with undefined length"] = [.. Element(0x7FE0, 0x0010, "OB", 0xFFFFFFFF, []), 0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF],
            ["deep nesting"] = DeepNesting(10_000),
            ["big-endian meta"] = [.. new byte[128], .. "DICM"u8.ToArray(), 0x00, 0x02, 0x00, 0x10, (byte)'U', (byte)'I', 0, 2, (byte)'1', 0],
            ["meta element overrunning"] = [.. new byte[128], .. "DICM"u8.ToArray(), 0x02, 0x00, 0x10, 0x00, (byte)'U', (byte)'I', 0xFF, 0x7F, (byte)'1', 0],
        };
        foreach (var (name, bytes) in cases)
        {
            var ex = Assert.ThrowsAny<DicomException>(() => ReadAll(new MemoryStream(bytes), DicomReadOptions.Default));
            Assert.True(ex.Offset is not null, $"{name}: no offset in '{ex.Message}'");
            Assert.True(ex.InnerException is null || ex.InnerException is DicomException or IOException, $"{name}: {ex.InnerException}");
        }
    }

    [Fact]
    public void MaxElementLengthAndMaxSequenceDepthAreEnforced()
    {
        string ct = Path.Combine(ExternalTools.PydicomTestFiles, "CT_small.dcm");
        var ex = Assert.ThrowsAny<DicomException>(() => DicomFile.Open(ct, new DicomReadOptions { DeferPixelData = false, MaxElementLength = 1000 }));
        Assert.Contains("MaxElementLength", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Offset);

        var nested = Assert.ThrowsAny<DicomException>(() => DicomFile.Open(Path.Combine(ExternalTools.PydicomTestFiles, "nested_priv_SQ.dcm"), new DicomReadOptions { MaxSequenceDepth = 1 }));
        Assert.Contains("MaxSequenceDepth", nested.Message, StringComparison.Ordinal);
    }

    private static byte[] Element(ushort group, ushort element, string vr, uint length, byte[] value)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes(group));
        bytes.AddRange(BitConverter.GetBytes(element));
        bytes.Add((byte)vr[0]);
        bytes.Add((byte)vr[1]);
        bytes.AddRange(new byte[2]);
        bytes.AddRange(BitConverter.GetBytes(length));
        bytes.AddRange(value);
        return [.. bytes];
    }

    private static byte[] DeepNesting(int depth)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < depth; i++)
        {
            bytes.AddRange(Element(0x0008, 0x1140, "SQ", 0xFFFFFFFF, []));
            bytes.AddRange(new byte[] { 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF });
        }

        return [.. bytes];
    }

    [Fact]
    public void ParserStepBudgetTurnsExcessLoopingIntoAnError()
    {
        // The guard the fuzz test relies on: past its budget the parser stops with an internal error, which the reader's
        // safety net reports with an offset (and which TryRead counts as a failure, unlike a format error).
        string ct = Path.Combine(ExternalTools.PydicomTestFiles, "CT_small.dcm");
        _ = DicomFile.Open(ct, StepBounded(new FileInfo(ct).Length));
        var ex = Assert.ThrowsAny<DicomException>(() => DicomFile.Open(ct, DicomReadOptions.Default with { MaxParserSteps = 20 }));
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Contains("budget of 20 loop passes", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Offset);
    }

    /// <summary>
    /// Default options with a parser budget linear in the input. Every loop pass consumes an element or item header of at
    /// least 8 bytes, so parsing n bytes once takes at most about n / 8 passes (the whole corpus, mutated, stays within
    /// n / 8 + 16); twice that leaves room for nested UN contents parsed a second time and for deflated data, and still
    /// fails a parser that loops without consuming or reads the same data over and over.
    /// </summary>
    private static DicomReadOptions StepBounded(long inputLength) =>
        DicomReadOptions.Default with { MaxParserSteps = (inputLength / 4) + 64 };

    /// <summary>Reads and touches every value; returns a failure description, or null when the outcome is acceptable.</summary>
    private static string? TryRead(byte[] data, bool viaFile, out string outcome)
    {
        outcome = "read";
        long before = GC.GetAllocatedBytesForCurrentThread();
        var options = StepBounded(data.Length);
        try
        {
            if (viaFile)
            {
                string path = Path.Combine(Path.GetTempPath(), $"hecompute-fuzz-{Environment.CurrentManagedThreadId}.dcm");
                File.WriteAllBytes(path, data);
                ReadAll(path, options);
            }
            else
            {
                ReadAll(new MemoryStream(data), options);
            }
        }
        catch (DicomException ex)
        {
            outcome = ex.GetType().Name;
            if (ex is DicomFormatException && ex.Offset is null)
            {
                return $"DicomFormatException without offset: {ex.Message}";
            }

            if (ex.InnerException is not null and not DicomException and not IOException and not System.Text.DecoderFallbackException)
            {
                return $"internal error caught by the safety net: {ex.InnerException}";
            }
        }
        catch (Exception ex)
        {
            outcome = ex.GetType().Name;
            return $"{ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}";
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > 32L * 1024 * 1024 + (16L * data.Length))
        {
            return $"allocated {allocated} bytes for {data.Length} bytes of input";
        }

        return null;
    }

    private static void ReadAll(string path, DicomReadOptions options) => Touch(DicomFile.Open(path, options));

    private static void ReadAll(Stream stream, DicomReadOptions options) => Touch(DicomFile.Open(stream, options));

    private static void Touch(DicomFile file)
    {
        _ = file.FileMetaInfo.Count;
        TouchDataset(file.Dataset);
    }

    private static void TouchDataset(DicomDataset ds)
    {
        foreach (var item in ds)
        {
            switch (item)
            {
                case DicomElement element:
                    _ = element.RawValue.Length;
                    if (DicomVRInfo.IsString(element.VR))
                    {
                        try
                        {
                            _ = ds.GetValues<string>(element.Tag);
                        }
                        catch (DicomDataException)
                        {
                            // a value the character set cannot decode: reported per value, as designed
                        }
                    }

                    break;
                case DicomSequence sequence:
                    foreach (var child in sequence.Items)
                    {
                        TouchDataset(child);
                    }

                    break;
                case DicomFragmentSequence fragments:
                    foreach (var fragment in fragments.Fragments)
                    {
                        _ = fragment.Data.Length;
                    }

                    break;
            }
        }
    }

    private static readonly string[] VRs = ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"];

    private static (byte[] Data, string Description) Mutate(byte[] original, Random random)
    {
        byte[] data = (byte[])original.Clone();
        int kind = random.Next(9);
        int position = random.Next(Math.Max(1, data.Length));
        switch (kind)
        {
            case 0:
            {
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return (data, $"{flips} bit flip(s)");
            }

            case 1:
                return (data[..position], $"truncated at {position}");
            case 2:
            {
                // a huge or bogus 32-bit length right after a plausible element header
                int header = FindHeader(data, random);
                uint length = random.Next(4) switch { 0 => 0xFFFFFFFF, 1 => 0xFFFFFFFE, 2 => 0x7FFFFFFF, _ => (uint)random.Next() };
                if (header + 12 <= data.Length)
                {
                    bool longForm = data[header + 6] == 0 && data[header + 7] == 0;
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(header + (longForm ? 8 : 4)), length);
                }

                return (data, $"length 0x{length:X8} at {header}");
            }

            case 3:
            {
                int header = FindHeader(data, random);
                string vr = random.Next(3) == 0 ? new string([(char)random.Next(256), (char)random.Next(256)]) : VRs[random.Next(VRs.Length)];
                if (header + 6 <= data.Length)
                {
                    data[header + 4] = (byte)vr[0];
                    data[header + 5] = (byte)vr[1];
                }

                return (data, $"VR '{vr}' at {header}");
            }

            case 4:
            {
                int count = 1 + random.Next(16);
                var inserted = new byte[count];
                random.NextBytes(inserted);
                return ([.. data[..position], .. inserted, .. data[position..]], $"{count} byte(s) inserted at {position}");
            }

            case 5:
            {
                int count = Math.Min(1 + random.Next(16), data.Length - position);
                return ([.. data[..position], .. data[(position + count)..]], $"{count} byte(s) deleted at {position}");
            }

            case 6:
            {
                // a 16-bit length made huge
                int header = FindHeader(data, random);
                if (header + 8 <= data.Length)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(header + 6), (ushort)random.Next(0x8000, 0x10000));
                }

                return (data, $"16-bit length at {header}");
            }

            case 7:
            {
                // item / delimiter tags dropped in at random
                uint tag = random.Next(3) switch { 0 => 0xE000FFFEu, 1 => 0xE00DFFFEu, _ => 0xE0DDFFFEu };
                if (position + 8 <= data.Length)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(position), tag);
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(position + 4), random.Next(2) == 0 ? 0xFFFFFFFF : (uint)random.Next(64));
                }

                return (data, $"delimiter 0x{tag:X8} at {position}");
            }

            default:
            {
                // overwrite a random block with random bytes
                int count = Math.Min(1 + random.Next(64), data.Length - position);
                random.NextBytes(data.AsSpan(position, count));
                return (data, $"{count} random byte(s) at {position}");
            }
        }
    }

    /// <summary>A random position that looks like the start of an explicit VR element header (falls back to any position).</summary>
    private static int FindHeader(byte[] data, Random random)
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            int p = random.Next(Math.Max(1, data.Length - 8));
            for (int i = p; i < Math.Min(data.Length - 8, p + 4096); i++)
            {
                if (data[i + 4] is >= (byte)'A' and <= (byte)'Z' && data[i + 5] is >= (byte)'A' and <= (byte)'Z' && data[i + 1] == 0 && (data[i] & 1) == 0)
                {
                    return i;
                }
            }
        }

        return random.Next(Math.Max(1, data.Length - 12));
    }
}
