using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.Text;
using HeCompute.Dicom;
using HeCompute.Dicom.Imaging;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary>
/// <c>dicom render FILE --out IMAGE.npy</c>: one frame's pixels as a NumPy array — modality values (e.g. Hounsfield
/// units) or display values in [0, 1] after the VOI window (the file's own, or one given) — so a notebook or script
/// shows exactly what the SDK computes features from.
/// </summary>
internal static class DicomRenderCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A DICOM file" };
        file.AcceptExistingOnly();
        var output = new Option<FileInfo>("--out") { Description = "The .npy file to write (float32, rows × columns, or rows × columns × samples)", Required = true };
        var frame = new Option<int>("--frame") { Description = "Frame index (default 0)", DefaultValueFactory = _ => 0 };
        var values = new Option<string>("--values") { Description = "modality (default) or display (VOI window applied, [0, 1])", DefaultValueFactory = _ => "modality" };
        values.AcceptOnlyFromAmong("modality", "display");
        var window = new Option<double[]?>("--window") { Description = "CENTER WIDTH: a VOI window replacing the file's (with --values display)", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var command = new Command("render", "Write one frame's pixel values to a NumPy .npy file (modality or windowed display values)") { file, output, frame, values, window };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            DicomFile dicom;
            await using (var stream = File.OpenRead(path))
            {
                dicom = await DicomFile.OpenAsync(stream, new DicomReadOptions(), cancellationToken);
            }

            if (!dicom.Dataset.Contains(DicomTag.PixelData))
            {
                throw new CliException($"{path} has no Pixel Data.");
            }

            var pixels = DicomPixelData.Create(dicom.Dataset);
            var fileWindow = pixels.Window;
            if (parse.GetValue(window) is { Length: 2 } given)
            {
                if (!(given[1] >= 1))
                {
                    throw new CliException("The window width must be at least 1.");
                }

                pixels.Window = new VoiWindow(given[0], given[1]);
            }

            var display = parse.GetValue(values) == "display";
            var index = parse.GetValue(frame);
            if (index < 0 || index >= pixels.FrameCount)
            {
                throw new CliException($"Frame {index} does not exist; the file has {pixels.FrameCount}.");
            }

            var data = pixels.GetFrameValues(index, display ? PixelOutput.Display : PixelOutput.ModalityValues);
            int[] shape = pixels.SamplesPerPixel == 1 ? [pixels.Rows, pixels.Columns] : [pixels.Rows, pixels.Columns, pixels.SamplesPerPixel];
            var target = parse.GetValue(output)!.FullName;
            await File.WriteAllBytesAsync(target, Npy(data, shape), cancellationToken);
            var (min, max) = MinMax(data);
            var result = new RenderedFrame(target, index, shape, display ? "display" : "modality", fileWindow is { } w ? [w.Center, w.Width] : null, pixels.Window is { } u && display ? [u.Center, u.Width] : null, min, max);
            context.Output.Result(result, console => console.MarkupLine(FormattableString.Invariant($"wrote {string.Join('×', shape)} {result.Values} values in [{min}, {max}] to {Markup.Escape(target)}")));
            return 0;
        });
        return command;
    }

    /// <summary>NPY format 1.0: magic, version, a little-endian header length, a Python dict header padded to 64 bytes, then the data.</summary>
    private static byte[] Npy(float[] data, int[] shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        var unpadded = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (unpadded % 64)) % 64)) + "\n";
        var bytes = new byte[10 + header.Length + (data.Length * 4)];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        var body = bytes.AsSpan(10 + header.Length);
        for (var i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(body[(i * 4)..], data[i]);
        }

        return bytes;
    }

    private static (double Min, double Max) MinMax(float[] data)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in data)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (min, max);
    }

    private sealed record RenderedFrame(string Path, int Frame, int[] Shape, string Values, double[]? FileWindow, double[]? AppliedWindow, double Min, double Max);
}
