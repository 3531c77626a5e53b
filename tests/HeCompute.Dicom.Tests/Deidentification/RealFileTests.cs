using System.Text;
using System.Text.Json;
using HeCompute.Dicom.Deidentification;
using Xunit.Abstractions;

namespace HeCompute.Dicom.Tests.Deidentification;

/// <summary>
/// pydicom's test files are de-identified, written with our writer and read back by pydicom (/usr/bin/python3) and
/// dcmtk's dcmdump: PatientIdentityRemoved is YES and the original names, IDs, dates and instance UIDs (listed by
/// pydicom from the originals) occur nowhere in the written bytes.
/// </summary>
public sealed class RealFileTests(ITestOutputHelper output)
{
    // Lists, per file, the identifying values pydicom sees: names, IDs, every DA/DT/TM-free date, every instance UID.
    private const string ExtractScript = """
import json, sys, pydicom
from pydicom.datadict import dictionary_VR
out = {}
for path in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(path, force=True)
    except Exception as e:
        out[path] = {"error": str(e)}
        continue
    found = {"names": [], "ids": [], "dates": [], "uids": []}
    def walk(d):
        for el in d:
            try:
                if el.VR == "SQ":
                    for item in el.value:
                        walk(item)
                    continue
                if el.tag.is_private:
                    continue
                v = el.value
                vals = list(v) if isinstance(v, (list, pydicom.multival.MultiValue)) else [v]
                for x in vals:
                    s = str(x).strip()
                    if not s:
                        continue
                    if el.VR == "PN":
                        found["names"].append(s)
                    elif el.keyword in ("PatientID", "OtherPatientIDs", "AccessionNumber", "StudyID", "InstitutionName", "StationName"):
                        found["ids"].append(s)
                    elif el.VR in ("DA", "DT") and el.group in (0x0008, 0x0010, 0x0018, 0x0020, 0x0032, 0x0038, 0x0040, 0x0070, 0x3006, 0x300A, 0x300E):
                        found["dates"].append(s[:8])
                    elif el.VR == "UI" and not s.startswith("1.2.840.10008.") and el.keyword not in ("SOPClassUID", "ReferencedSOPClassUID", "MediaStorageSOPClassUID", "TransferSyntaxUID", "ImplementationClassUID", "CodingSchemeUID"):
                        found["uids"].append(s)
            except Exception:
                pass
    walk(ds)
    # Values that also sit in attributes kept on purpose (e.g. InstitutionName equal to Manufacturer) are not leaks.
    kept = {str(ds.get(k, "")).strip() for k in ("Manufacturer", "ManufacturerModelName", "SoftwareVersions")}
    for k in found:
        found[k] = [v for v in found[k] if not any(v in kv for kv in kept if kv)]
    out[path] = found
print(json.dumps(out))
""";

    // Reads each de-identified file back (strict: no force) and reports what a recipient sees.
    private const string ReadBackScript = """
import json, sys, pydicom
out = {}
for path in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(path)
        meta = ds.file_meta
        out[path] = {
            "removed": str(ds.get("PatientIdentityRemoved", "")),
            "name": str(ds.get("PatientName", "")),
            "id": str(ds.get("PatientID", "")),
            "sop": str(ds.get("SOPInstanceUID", "")),
            "media": str(meta.get("MediaStorageSOPInstanceUID", "")),
            "codes": [str(i.CodeValue) for i in ds.get("DeidentificationMethodCodeSequence", [])],
            "elements": len(ds),
        }
        for el in ds.iterall():
            _ = el.value
    except Exception as e:
        out[path] = {"error": type(e).__name__ + ": " + str(e)}
print(json.dumps(out))
""";

    [Fact]
    public void Pydicom_test_files_deidentify_write_and_read_back_clean()
    {
        string python = ExternalTools.PythonWithPydicom();
        string dcmdump = ExternalTools.Dcmtk("dcmdump");
        var files = ExternalTools.PydicomFiles();
        string outDir = ExternalTools.TempDirectory("deid-real");
        var originals = JsonDocument.Parse(RunScript(python, ExtractScript, files)).RootElement;

        var deidentifier = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { AllowBurnedInAnnotation = true });
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        var unwritable = new List<string>();
        var inMemory = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (string path in files)
        {
            DicomFile file;
            try
            {
                file = DicomFile.Open(path);
            }
            catch (DicomException e)
            {
                unreadable.Add($"{Path.GetFileName(path)}: {e.Message}");
                continue;
            }

            DicomFile result;
            try
            {
                (result, var report) = deidentifier.Deidentify(file);
                Assert.DoesNotContain(report.Entries, e => e.Path.Length == 0);
            }
            catch (Exception e) when (e is DicomException or IOException or InvalidOperationException or NotSupportedException)
            {
                failures.Add($"{Path.GetFileName(path)}: de-identification threw {e}");
                continue;
            }

            string target = Path.Combine(outDir, Path.GetFileName(path));
            try
            {
                result.Save(target);
                written[target] = path;
            }
            catch (DicomException e)
            {
                // CORE's writer could not save it: check the de-identified dataset in memory instead.
                unwritable.Add($"{Path.GetFileName(path)}: {e.Message}");
                inMemory[path] = Fixtures.AllValueBytes(result.Dataset);
            }
        }

        // The reader is CORE's: files it cannot parse are listed (a broken-file test set is part of pydicom's data), never silently dropped.
        Assert.True(written.Count >= 60, $"only {written.Count} of {files.Count} files were de-identified and written; unreadable:\n{string.Join('\n', unreadable)}\nunwritable:\n{string.Join('\n', unwritable)}\nfailed:\n{string.Join('\n', failures)}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        output.WriteLine($"{files.Count} pydicom files: {written.Count} de-identified and written, {inMemory.Count} de-identified but not writable by the writer (checked in memory), {unreadable.Count} unreadable by the reader.");
        foreach (string line in unreadable.Concat(unwritable))
        {
            output.WriteLine("  " + line);
        }

        foreach (var (source, bytes) in inMemory)
        {
            CheckNoOriginalValues(originals.GetProperty(source), Encoding.Latin1.GetString(bytes), Path.GetFileName(source) + " (in memory)", failures);
        }

        var readBack = JsonDocument.Parse(RunScript(python, ReadBackScript, [.. written.Keys])).RootElement;
        foreach (var (target, source) in written)
        {
            string name = Path.GetFileName(target);
            var r = readBack.GetProperty(target);
            if (r.TryGetProperty("error", out var error))
            {
                failures.Add($"{name}: pydicom cannot read the output: {error.GetString()}");
                continue;
            }

            if (r.GetProperty("removed").GetString() != "YES")
            {
                failures.Add($"{name}: PatientIdentityRemoved is not YES");
            }

            if (r.GetProperty("name").GetString()!.Length != 0 || r.GetProperty("id").GetString()!.Length != 0)
            {
                failures.Add($"{name}: PatientName/PatientID not empty");
            }

            if (r.GetProperty("sop").GetString() is { Length: > 0 } sop && sop != r.GetProperty("media").GetString())
            {
                failures.Add($"{name}: MediaStorageSOPInstanceUID does not follow SOPInstanceUID");
            }

            if (r.GetProperty("codes")[0].GetString() != "113100")
            {
                failures.Add($"{name}: no 113100 code");
            }

            // Nothing identifying from the original in the written bytes.
            string bytes = Encoding.Latin1.GetString(File.ReadAllBytes(target));
            CheckNoOriginalValues(originals.GetProperty(source), bytes, name, failures);

            var dump = ExternalTools.Run(dcmdump, ["-q", target]);
            if (dump.ExitCode != 0 || !dump.StandardOutput.Contains("(0012,0062) CS [YES]", StringComparison.Ordinal))
            {
                failures.Add($"{name}: dcmdump exit {dump.ExitCode}: {dump.StandardError.Trim()}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} problems in {written.Count} written + {inMemory.Count} in-memory files:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Real_ultrasound_and_burned_in_files_are_refused_by_default()
    {
        var files = ExternalTools.PydicomFiles();
        var deidentifier = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret));
        int refused = 0;
        // Secondary captures (SC_*: SOP Class 1.2.840.10008.5.1.4.1.1.7, no BurnedInAnnotation) and an ultrasound image.
        foreach (string path in files.Where(f => Path.GetFileName(f).StartsWith("SC_", StringComparison.Ordinal) || Path.GetFileName(f) == "ExplVR_BigEnd.dcm"))
        {
            DicomFile file;
            try
            {
                file = DicomFile.Open(path);
            }
            catch (DicomException)
            {
                continue;
            }

            Assert.Throws<BurnedInAnnotationException>(() => deidentifier.Deidentify(file));
            refused++;
        }

        Assert.True(refused >= 10, $"{refused} secondary capture / ultrasound files refused");
    }

    // Raw bytes (hex) of every person name in a file, as stored in its character set.
    private const string RawNamesScript = """
import json, sys, pydicom
out = {}
for path in sys.argv[1:]:
    ds = pydicom.dcmread(path, force=True)
    names = []
    for el in ds.iterall():
        if el.VR == "PN" and el.value:
            for v in (el.value if isinstance(el.value, pydicom.multival.MultiValue) else [el.value]):
                raw = getattr(v, "original_string", None)
                if raw is None:
                    raw = str(v).encode("latin-1", "ignore")
                names.append(raw.hex())
    out[path] = names
print(json.dumps(out))
""";

    [Fact]
    public void Names_in_every_character_set_are_removed()
    {
        string python = ExternalTools.PythonWithPydicom();
        string dir = Path.Combine(Path.GetDirectoryName(ExternalTools.PydicomTestFiles)!, "charset_files");
        var files = Directory.GetFiles(dir, "*.dcm").Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 15, $"expected pydicom's character set files in {dir}");
        var names = JsonDocument.Parse(RunScript(python, RawNamesScript, files)).RootElement;
        string outDir = ExternalTools.TempDirectory("deid-charset");
        var deidentifier = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret)
        {
            AllowBurnedInAnnotation = true,
            Options = ConfidentialityOptions.CleanDescriptors | ConfidentialityOptions.RetainPatientCharacteristics,
        });
        var failures = new List<string>();
        int checkedNames = 0;
        foreach (string path in files)
        {
            var (result, _) = deidentifier.Deidentify(DicomFile.Open(path));
            string target = Path.Combine(outDir, Path.GetFileName(path));
            result.Save(target);
            byte[] written = File.ReadAllBytes(target);
            foreach (var hex in names.GetProperty(path).EnumerateArray())
            {
                byte[] raw = Convert.FromHexString(hex.GetString()!);
                checkedNames++;
                if (raw.Length >= 3 && written.AsSpan().IndexOf(raw) >= 0)
                {
                    failures.Add($"{Path.GetFileName(path)}: a person name ({raw.Length} bytes) survives");
                }
            }
        }

        var readBack = JsonDocument.Parse(RunScript(python, ReadBackScript, [.. files.Select(f => Path.Combine(outDir, Path.GetFileName(f)))])).RootElement;
        foreach (var file in readBack.EnumerateObject())
        {
            if (file.Value.TryGetProperty("error", out var error))
            {
                failures.Add($"{Path.GetFileName(file.Name)}: pydicom cannot read the output: {error.GetString()}");
            }
            else if (file.Value.GetProperty("removed").GetString() != "YES" || file.Value.GetProperty("name").GetString()!.Length != 0)
            {
                failures.Add($"{Path.GetFileName(file.Name)}: not de-identified");
            }
        }

        output.WriteLine($"{files.Length} character set files, {checkedNames} person names checked");
        Assert.True(checkedNames >= 15);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static void CheckNoOriginalValues(JsonElement original, string bytes, string name, List<string> failures)
    {
        if (original.TryGetProperty("error", out _))
        {
            return;
        }

        foreach (string kind in new[] { "names", "ids", "dates", "uids" })
        {
            foreach (var value in original.GetProperty(kind).EnumerateArray())
            {
                string v = value.GetString()!;
                if (v.Length >= (kind == "names" ? 3 : 6) && bytes.Contains(v, StringComparison.Ordinal))
                {
                    failures.Add($"{name}: original {kind[..^1]} survives ({v.Length} chars)");
                }
            }
        }
    }

    private static string RunScript(string python, string script, IReadOnlyList<string> args)
    {
        string dir = ExternalTools.TempDirectory("deid-script");
        string scriptPath = Path.Combine(dir, "script.py");
        File.WriteAllText(scriptPath, script);
        return ExternalTools.RunChecked(python, [scriptPath, .. args], TimeSpan.FromMinutes(5));
    }
}
