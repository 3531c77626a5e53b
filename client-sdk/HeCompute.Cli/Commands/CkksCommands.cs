using System.CommandLine;
using System.Globalization;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Client.Exploration;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary>
/// <c>ckks bounds|precision|sizes|inspect</c>: what the security bounds allow, measured precision and sizes, and what
/// a SEAL-format file holds. Everything runs locally; nothing is sent.
/// </summary>
internal static class CkksCommands
{
    public static Command Create()
    {
        var ckks = new Command("ckks", "Explore CKKS parameters locally: security bounds, measured precision, sizes, SEAL files");
        ckks.Add(Bounds());
        ckks.Add(Precision());
        ckks.Add(Sizes());
        ckks.Add(Inspect());
        return ckks;
    }

    private static Option<int[]> DegreesOption() => new("--n")
    {
        Description = "Ring degrees N (default 4096 8192 16384 32768)",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [.. CkksProbe.RingDegrees],
    };

    private static Command Bounds()
    {
        var degrees = DegreesOption();
        var command = new Command("bounds", "Largest coefficient modulus per N at 128-, 192- and 256-bit security (HE standard)") { degrees };
        CliRunner.SetAction(command, (context, parse, _) =>
        {
            var rows = parse.GetValue(degrees)!.Select(CkksProbe.Bound).ToArray();
            context.Output.Result(rows, console =>
            {
                var table = new Table().AddColumns("N", "slots", "max bits 128", "max bits 192", "max bits 256");
                foreach (var row in rows)
                {
                    table.AddRow(Text(row.PolyModulusDegree), Text(row.Slots), Text(row.MaxBits128), Text(row.MaxBits192), Text(row.MaxBits256));
                }

                console.Write(table);
            });
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Precision()
    {
        var degrees = DegreesOption();
        var scales = new Option<int[]>("--scale-bits") { Description = "log2 of the scale (default 30 40 50)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [30, 40, 50] };
        var depths = new Option<int[]>("--depth") { Description = "Multiplications (default 1)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [1] };
        var command = new Command("precision", "Measure the precision of N/2 random values after depth multiplications, against double precision") { degrees, scales, depths };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var cases = (from n in parse.GetValue(degrees)! from s in parse.GetValue(scales)! from d in parse.GetValue(depths)! select (n, s, d)).ToArray();
            var rows = await context.Output.WithProgressAsync("measuring", report => Task.Run(() =>
            {
                var measured = new List<object>(cases.Length);
                for (var i = 0; i < cases.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (n, s, d) = cases[i];
                    report((double)i / cases.Length, $"N={n}, scale 2^{s}, depth {d}");
                    measured.Add(MeasureOrRefuse(n, s, d));
                }

                return measured;
            }, cancellationToken));
            context.Output.Result(rows, console =>
            {
                var table = new Table().AddColumns("N", "scale bits", "depth", "primes", "max |error|", "precision bits");
                foreach (var row in rows)
                {
                    if (row is PrecisionMeasurement m)
                    {
                        table.AddRow(Text(m.PolyModulusDegree), Text(m.ScaleBits), Text(m.Depth), string.Join('+', m.Chain), m.MaxAbsError.ToString("E2", CultureInfo.InvariantCulture), m.PrecisionBits.ToString("F1", CultureInfo.InvariantCulture));
                    }
                    else if (row is RefusedParameters r)
                    {
                        table.AddRow(Text(r.PolyModulusDegree), Text(r.ScaleBits), Text(r.Depth), string.Join('+', r.Chain), "[red]refused[/]", Markup.Escape(r.Reason));
                    }
                }

                console.Write(table);
            });
            return 0;
        });
        return command;
    }

    private static object MeasureOrRefuse(int n, int scaleBits, int depth)
    {
        var chain = CkksProbe.ChainFor(scaleBits, depth);
        if (chain.Sum() > CkksProbe.Bound(n).MaxBits128)
        {
            return new RefusedParameters(n, scaleBits, depth, chain, $"{chain.Sum()} bits exceed the 128-bit bound of {CkksProbe.Bound(n).MaxBits128} for N = {n}");
        }

        return CkksProbe.MeasurePrecision(n, scaleBits, depth);
    }

    private static Command Sizes()
    {
        var degrees = DegreesOption();
        var scale = new Option<int>("--scale-bits") { Description = "log2 of the scale (default 40)", DefaultValueFactory = _ => 40 };
        var depth = new Option<int>("--depth") { Description = "Levels of the chain; where the bound does not allow them at N, the most it allows (default 3)", DefaultValueFactory = _ => 3 };
        var command = new Command("sizes", "Measure SEAL-format sizes of ciphertexts and keys per N") { degrees, scale, depth };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var ns = parse.GetValue(degrees)!;
            var scaleBits = parse.GetValue(scale);
            var rows = await context.Output.WithProgressAsync("measuring", report => Task.Run(() =>
            {
                var measured = new List<object>(ns.Length);
                for (var i = 0; i < ns.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    report((double)i / ns.Length, $"N={ns[i]}");
                    var levels = parse.GetValue(depth);
                    while (levels > 0 && CkksProbe.ChainFor(scaleBits, levels).Sum() > CkksProbe.Bound(ns[i]).MaxBits128)
                    {
                        levels--;
                    }

                    var chain = CkksProbe.ChainFor(scaleBits, levels);
                    measured.Add(chain.Sum() > CkksProbe.Bound(ns[i]).MaxBits128
                        ? new RefusedParameters(ns[i], scaleBits, levels, chain, $"not even {chain.Sum()} bits fit the 128-bit bound of {CkksProbe.Bound(ns[i]).MaxBits128} at N = {ns[i]}")
                        : CkksProbe.MeasureSizes(ns[i], scaleBits, levels));
                }

                return measured;
            }, cancellationToken));
            context.Output.Result(rows, console =>
            {
                var table = new Table().AddColumns("N", "primes", "ciphertext (seeded)", "ciphertext", "public key", "relin keys", "1 Galois key", "SEAL default Galois keys");
                foreach (var row in rows)
                {
                    if (row is SizeMeasurement m)
                    {
                        table.AddRow(Text(m.PolyModulusDegree), string.Join('+', m.Chain), Bytes(m.CiphertextSeeded), Bytes(m.CiphertextFresh), Bytes(m.PublicKey), Bytes(m.RelinKeys), Bytes(m.GaloisKeyOneStep), $"{Bytes(m.GaloisKeysDefault)} ({m.GaloisKeysDefaultCount} keys)");
                    }
                    else if (row is RefusedParameters r)
                    {
                        table.AddRow(Text(r.PolyModulusDegree), string.Join('+', r.Chain), "[red]refused[/]", Markup.Escape(r.Reason), string.Empty, string.Empty, string.Empty, string.Empty);
                    }
                }

                console.Write(table);
            });
            return 0;
        });
        return command;
    }

    private static Command Inspect()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A SEAL-format object (ciphertext, key, parameters)" };
        var parms = new Option<FileInfo?>("--parms") { Description = "The EncryptionParameters file, to read a ciphertext's level and scale" };
        var resave = new Option<FileInfo?>("--resave") { Description = "With --parms: write the loaded ciphertext back to this file in SEAL's format" };
        var compression = new Option<CompressionMode>("--compression") { Description = "Compression of --resave: None, ZLIB or ZSTD (default ZSTD)", DefaultValueFactory = _ => CompressionMode.Zstd };
        var command = new Command("inspect", "Read a SEAL-format file's header (and a ciphertext's level and scale given its parameters)") { file, parms, resave, compression };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            var header = SealObjectDescription.Describe(bytes);
            object result = header;
            if (parse.GetValue(parms) is { } parmsFile)
            {
                var parameters = await File.ReadAllBytesAsync(parmsFile.FullName, cancellationToken);
                if (parse.GetValue(resave) is { } target)
                {
                    await using var output = File.Create(target.FullName);
                    result = SealObjectDescription.DescribeCiphertext(bytes, parameters, output, parse.GetValue(compression));
                }
                else
                {
                    result = SealObjectDescription.DescribeCiphertext(bytes, parameters);
                }
            }
            else if (parse.GetValue(resave) is not null)
            {
                throw new CliException("--resave needs --parms (the ciphertext is loaded, and validated, against its parameters).");
            }

            context.Output.Result(result, console => console.WriteLine(System.Text.Json.JsonSerializer.Serialize(result, new System.Text.Json.JsonSerializerOptions(Contracts.HeComputeJson.Options) { WriteIndented = true })));
            return 0;
        });
        return command;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bytes(long value) => value switch
    {
        >= 1 << 20 => (value / (double)(1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (value / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => value.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private sealed record RefusedParameters(int PolyModulusDegree, int ScaleBits, int Depth, IReadOnlyList<int> Chain, string Reason);
}
