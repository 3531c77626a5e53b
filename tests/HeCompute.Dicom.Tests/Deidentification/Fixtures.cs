using System.Globalization;
using System.Text;
using HeCompute.Dicom.Deidentification;

namespace HeCompute.Dicom.Tests.Deidentification;

/// <summary>Builds datasets that carry identifying values, and tracks every planted value so tests can look for survivors.</summary>
internal sealed class Fixtures
{
    internal const string Surname = "Quixwell";
    internal const string GivenName = "Oriande";
    internal const string PatientIdValue = "MRN7731904";
    internal const string UidRoot = "1.2.826.0.1.3680043.99.";
    internal static readonly DicomTag NestLevel1 = new(0x0008, 0x1115); // Referenced Series Sequence (not in Table E.1-1)
    internal static readonly DicomTag NestLevel2 = new(0x0008, 0x114A); // Referenced Instance Sequence (not in Table E.1-1)

    private int _counter;

    /// <summary>Every identifying string planted (values, UIDs, dates, names): none may be in a de-identified output.</summary>
    internal HashSet<string> Identifying { get; } = new(StringComparer.Ordinal);

    /// <summary>Per planted row: where it was planted and the original element.</summary>
    internal List<(ConfidentialityProfileRow Row, string Path, DicomItem Original)> Planted { get; } = [];

    internal static byte[] Text(string s, DicomVR vr)
    {
        var bytes = Encoding.ASCII.GetBytes(s);
        if (bytes.Length % 2 == 0)
        {
            return bytes;
        }

        return [.. bytes, vr == DicomVR.UI || !DicomVRInfo.IsString(vr) ? (byte)0 : (byte)' '];
    }

    internal static DicomElement Element(DicomTag tag, DicomVR vr, string value) => new(tag, vr, Text(value, vr));

    internal string NewUid()
    {
        string uid = UidRoot + (++_counter).ToString(CultureInfo.InvariantCulture) + ".7";
        Identifying.Add(uid);
        return uid;
    }

    /// <summary>A dataset with the patient module filled in (identifying values tracked).</summary>
    internal DicomDataset Patient(string? patientId = null, string surname = Surname)
    {
        patientId ??= PatientIdValue;
        Identifying.Add(patientId);
        Identifying.Add(surname);
        Identifying.Add(GivenName);
        return new DicomDataset(
            Element(new DicomTag(0x0010, 0x0010), DicomVR.PN, $"{surname}^{GivenName}"),
            Element(new DicomTag(0x0010, 0x0020), DicomVR.LO, patientId),
            Element(new DicomTag(0x0010, 0x0030), DicomVR.DA, "19470311"));
    }

    /// <summary>
    /// Plants every exact row of the table at the top level, inside an item of an unlisted sequence and two levels deep,
    /// plus curve, overlay and private attributes.
    /// </summary>
    internal DicomDataset EveryAttribute(ConfidentialityProfileTable table)
    {
        var top = new DicomDataset();
        var level1 = new DicomDataset();
        var level2 = new DicomDataset();
        int index = 0;
        foreach (var row in table.Rows)
        {
            if (row.Tag is not { } tag)
            {
                continue;
            }

            index++;
            foreach (var (ds, path) in new[] { (top, string.Empty), (level1, $"{NestLevel1}[0]/"), (level2, $"{NestLevel1}[0]/{NestLevel2}[0]/") })
            {
                var item = PlantValue(row, tag, index);
                ds.AddOrUpdate(item);
                Planted.Add((row, path + tag, item));
            }
        }

        // The patient's own identity, used by descriptor cleaning and date shifting.
        top.AddOrUpdate(Element(new DicomTag(0x0010, 0x0010), DicomVR.PN, $"{Surname}^{GivenName}"));
        top.AddOrUpdate(Element(new DicomTag(0x0010, 0x0020), DicomVR.LO, PatientIdValue));
        Identifying.Add(Surname);
        Identifying.Add(GivenName);
        Identifying.Add(PatientIdValue);
        Planted.RemoveAll(p => p.Path is "(0010,0010)" or "(0010,0020)");

        level1.AddOrUpdate(new DicomSequence(NestLevel2, level2));
        top.AddOrUpdate(new DicomSequence(NestLevel1, level1));

        // Curve and overlay groups.
        top.AddOrUpdate(new DicomElement(new DicomTag(0x5000, 0x3000), DicomVR.OW, Text("PLTCURVEDATA", DicomVR.OW)));
        top.AddOrUpdate(Element(new DicomTag(0x5002, 0x0005), DicomVR.US, "\0\0"));
        top.AddOrUpdate(new DicomElement(new DicomTag(0x6000, 0x3000), DicomVR.OW, Text("PLTOVERLAYBITS", DicomVR.OW)));
        top.AddOrUpdate(Element(new DicomTag(0x6000, 0x4000), DicomVR.LT, $"overlay by {Surname}"));
        Identifying.Add("PLTCURVEDATA");
        Identifying.Add("PLTOVERLAYBITS");

        AddPrivate(top, "PLTPRIV-TOP");
        AddPrivate(level1, "PLTPRIV-L1");
        return top;
    }

    /// <summary>A private block "ACME 1.0" in (0009) with identifying values and a "SAFE CREATOR" block in (0011).</summary>
    internal void AddPrivate(DicomDataset ds, string marker)
    {
        ds.AddOrUpdate(Element(new DicomTag(0x0009, 0x0010), DicomVR.LO, "ACME 1.0"));
        ds.AddOrUpdate(Element(new DicomTag(0x0009, 0x1001), DicomVR.LO, marker));
        ds.AddOrUpdate(Element(new DicomTag(0x0009, 0x1002), DicomVR.PN, $"{Surname}^{marker}"));
        var inner = new DicomDataset(Element(new DicomTag(0x0010, 0x0010), DicomVR.PN, $"{Surname}^INNER"), Element(new DicomTag(0x0009, 0x1001), DicomVR.LO, marker + "-IN"));
        ds.AddOrUpdate(new DicomSequence(new DicomTag(0x0009, 0x1003), inner));
        ds.AddOrUpdate(Element(new DicomTag(0x0011, 0x0010), DicomVR.LO, "SAFE CREATOR"));
        ds.AddOrUpdate(Element(new DicomTag(0x0011, 0x1005), DicomVR.DS, "1.5"));
        ds.AddOrUpdate(Element(new DicomTag(0x0011, 0x1006), DicomVR.LO, marker + "-UNSAFE"));
        Identifying.Add(marker);
    }

    internal static readonly SafePrivateTag SafeTag = new("SAFE CREATOR", 0x05);

    private DicomItem PlantValue(ConfidentialityProfileRow row, DicomTag tag, int index)
    {
        string n = index.ToString("D4", CultureInfo.InvariantCulture);
        DicomVR vr = DicomVRInfo.TryParse(row.ValueRepresentation.Split('/')[0], out var parsed) ? parsed : DicomVR.LO;
        switch (vr)
        {
            case DicomVR.SQ:
                return new DicomSequence(tag, SequenceItem(row, n));
            case DicomVR.PN:
                Identifying.Add("PLN" + n);
                return Element(tag, vr, $"PLN{n}^{Surname}");
            case DicomVR.LO or DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UC:
                Identifying.Add($"PLT{n} {Surname}");
                return Element(tag, vr, $"PLT{n} {Surname}");
            case DicomVR.SH or DicomVR.AE or DicomVR.CS:
                Identifying.Add("PLT" + n);
                return Element(tag, vr, "PLT" + n);
            case DicomVR.UI:
                return Element(tag, vr, NewUid());
            case DicomVR.DA:
                string date = new DateTime(1971, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(index * 7).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                Identifying.Add(date);
                return Element(tag, vr, date);
            case DicomVR.DT:
                string dt = new DateTime(1972, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(index * 5).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "101112.123456+0100";
                Identifying.Add(dt[..8]);
                return Element(tag, vr, dt);
            case DicomVR.TM:
                string tm = $"{index % 24:D2}{index % 60:D2}07.{index:D6}";
                Identifying.Add(tm);
                return Element(tag, vr, tm);
            case DicomVR.AS:
                return Element(tag, vr, "047Y");
            case DicomVR.DS or DicomVR.IS:
                return Element(tag, vr, "7" + n);
            case DicomVR.US or DicomVR.SS:
                return new DicomElement(tag, vr, new byte[] { 7, 0 });
            case DicomVR.UL or DicomVR.SL or DicomVR.FL:
                return new DicomElement(tag, vr, new byte[] { 7, 0, 0, 0 });
            case DicomVR.FD:
                return new DicomElement(tag, vr, BitConverter.GetBytes(7.0));
            default:
                Identifying.Add("PLB" + n);
                return new DicomElement(tag, vr, Text("PLB" + n, vr));
        }
    }

    private DicomDataset SequenceItem(ConfidentialityProfileRow row, string n)
    {
        if (row.Basic == ProfileAction.RemoveOrZeroOrReplaceUids)
        {
            // A reference sequence as real files have it.
            return new DicomDataset(
                Element(new DicomTag(0x0008, 0x1150), DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2"),
                Element(new DicomTag(0x0008, 0x1155), DicomVR.UI, NewUid()));
        }

        Identifying.Add("PLC" + n);
        Identifying.Add($"PLM{n} {Surname}");
        return new DicomDataset(
            Element(new DicomTag(0x0008, 0x0100), DicomVR.SH, "PLC" + n),
            Element(new DicomTag(0x0008, 0x0102), DicomVR.SH, "99PLT"),
            Element(new DicomTag(0x0008, 0x0104), DicomVR.LO, $"PLM{n} {Surname}"),
            Element(new DicomTag(0x0008, 0x1150), DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2"),
            Element(new DicomTag(0x0008, 0x1155), DicomVR.UI, NewUid()),
            Element(new DicomTag(0x0040, 0xA123), DicomVR.PN, $"{Surname}^PLP{n}"));
    }

    /// <summary>Finds the item at a report-style path ("(0008,1115)[0]/(0010,0010)").</summary>
    internal static DicomItem? Find(DicomDataset root, string path)
    {
        var ds = root;
        string[] parts = path.Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            int bracket = part.IndexOf('[', StringComparison.Ordinal);
            var tag = DicomTag.Parse(bracket >= 0 ? part[..bracket] : part);
            var item = ds.GetItem(tag);
            if (i == parts.Length - 1)
            {
                return item;
            }

            if (item is not DicomSequence seq)
            {
                return null;
            }

            int index = int.Parse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture);
            if (index >= seq.Items.Count)
            {
                return null;
            }

            ds = seq.Items[index];
        }

        return null;
    }

    /// <summary>Every value byte of a dataset, recursively (a stand-in for the written file where no writer is used).</summary>
    internal static byte[] AllValueBytes(DicomDataset ds)
    {
        using var stream = new MemoryStream();
        Collect(ds, stream);
        return stream.ToArray();

        static void Collect(DicomDataset d, MemoryStream s)
        {
            foreach (var item in d)
            {
                switch (item)
                {
                    case DicomElement e:
                        s.Write(e.RawValue.Span);
                        s.WriteByte(0);
                        break;
                    case DicomSequence q:
                        foreach (var child in q.Items)
                        {
                            Collect(child, s);
                        }

                        break;
                }
            }
        }
    }

    /// <summary>The planted strings found in <paramref name="bytes"/> (ASCII search).</summary>
    internal List<string> Survivors(byte[] bytes)
    {
        string text = Encoding.Latin1.GetString(bytes);
        return [.. Identifying.Where(s => text.Contains(s, StringComparison.Ordinal))];
    }
}
