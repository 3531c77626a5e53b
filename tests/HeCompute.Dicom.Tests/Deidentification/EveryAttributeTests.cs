using System.Globalization;
using System.Text;
using HeCompute.Dicom.Deidentification;

namespace HeCompute.Dicom.Tests.Deidentification;

/// <summary>
/// Every exact row of Table E.1-1 is planted (top level, one and two sequence levels down) and must get its action
/// under the Basic Profile and under each option; the expected action is restated here from the table's cells.
/// </summary>
public sealed class EveryAttributeTests
{
    internal static readonly byte[] Secret = Encoding.ASCII.GetBytes("hospital-secret-for-tests-0123456789");

    private static readonly (ConfidentialityOptions Option, ProfileColumn Column)[] Columns =
    [
        (ConfidentialityOptions.RetainSafePrivate, ProfileColumn.RetainSafePrivate),
        (ConfidentialityOptions.RetainUids, ProfileColumn.RetainUids),
        (ConfidentialityOptions.RetainDeviceIdentity, ProfileColumn.RetainDeviceIdentity),
        (ConfidentialityOptions.RetainInstitutionIdentity, ProfileColumn.RetainInstitutionIdentity),
        (ConfidentialityOptions.RetainPatientCharacteristics, ProfileColumn.RetainPatientCharacteristics),
        (ConfidentialityOptions.RetainLongitudinalFullDates, ProfileColumn.RetainLongitudinalFullDates),
        (ConfidentialityOptions.RetainLongitudinalModifiedDates, ProfileColumn.RetainLongitudinalModifiedDates),
        (ConfidentialityOptions.CleanDescriptors, ProfileColumn.CleanDescriptors),
    ];

    public static TheoryData<ConfidentialityOptions, CombinedActionPolicy> Configurations()
    {
        var data = new TheoryData<ConfidentialityOptions, CombinedActionPolicy>
        {
            { ConfidentialityOptions.None, CombinedActionPolicy.PreserveConformance },
            { ConfidentialityOptions.None, CombinedActionPolicy.RemoveWherePermitted },
        };
        foreach (var (option, _) in Columns)
        {
            data.Add(option, CombinedActionPolicy.PreserveConformance);
        }

        data.Add(
            ConfidentialityOptions.RetainPatientCharacteristics | ConfidentialityOptions.CleanDescriptors | ConfidentialityOptions.RetainLongitudinalModifiedDates
            | ConfidentialityOptions.RetainDeviceIdentity | ConfidentialityOptions.RetainInstitutionIdentity | ConfidentialityOptions.RetainSafePrivate,
            CombinedActionPolicy.PreserveConformance);
        data.Add(ConfidentialityOptions.RetainUids | ConfidentialityOptions.RetainLongitudinalFullDates, CombinedActionPolicy.RemoveWherePermitted);
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Every_table_attribute_gets_its_action(ConfidentialityOptions options, CombinedActionPolicy policy)
    {
        var table = ConfidentialityProfileTable.Default;
        var fixtures = new Fixtures();
        var input = fixtures.EveryAttribute(table);
        var opts = new DeidentificationOptions(Secret) { Options = options, CombinedActions = policy, SafePrivateTags = [Fixtures.SafeTag] };
        var deidentifier = new DicomDeidentifier(opts);
        var (result, report) = deidentifier.Deidentify(input);
        string issuer = input.GetString(new DicomTag(0x0010, 0x0021));
        int offset = DateShifter.OffsetDays(Secret, "id\0" + Fixtures.PatientIdValue + "\0" + issuer, opts.MaximumDateShiftDays);
        var byPath = report.Entries.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Last());

        var failures = new List<string>();
        Assert.True(fixtures.Planted.Count > 3 * 450, $"only {fixtures.Planted.Count} planted");
        foreach (var (row, path, original) in fixtures.Planted)
        {
            var (expected, column) = Expected(row, options, policy);
            var actual = Fixtures.Find(result, path);
            string? problem = Check(expected, column, row, original, actual, deidentifier, offset);
            if (problem is null && !byPath.ContainsKey(path))
            {
                problem = "no report entry";
            }

            if (problem is not null)
            {
                failures.Add($"{path} {row.Keyword} expected {expected}{(column is null ? string.Empty : " (" + column + ")")}: {problem}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} attributes wrong:\n" + string.Join('\n', failures.Take(60)));
    }

    [Fact]
    public void Basic_profile_leaves_no_planted_identifier_anywhere()
    {
        var fixtures = new Fixtures();
        var input = fixtures.EveryAttribute(ConfidentialityProfileTable.Default);
        var (result, report) = new DicomDeidentifier(new DeidentificationOptions(Secret)).Deidentify(input);
        var survivors = fixtures.Survivors(Fixtures.AllValueBytes(result));
        Assert.Empty(survivors);
        Assert.True(fixtures.Identifying.Count > 400);

        // The same through the Part 10 writer: nothing planted in the written bytes, and the file reads back.
        using var written = new MemoryStream();
        new DicomFile(result).Save(written);
        Assert.Empty(fixtures.Survivors(written.ToArray()));
        written.Position = 0;
        var back = DicomFile.Open(written);
        Assert.Equal("YES", back.Dataset.GetString(new DicomTag(0x0012, 0x0062)));
        Assert.Equal(result.Count, back.Dataset.Count);

        // And the report names paths and actions only.
        string json = report.ToJson();
        Assert.Empty(fixtures.Survivors(Encoding.UTF8.GetBytes(json)));
        Assert.DoesNotContain(Convert.ToBase64String(Secret), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Encoding.ASCII.GetString(Secret), json, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_groups_curves_and_overlays()
    {
        var fixtures = new Fixtures();
        var input = fixtures.EveryAttribute(ConfidentialityProfileTable.Default);
        var (basic, _) = new DicomDeidentifier(new DeidentificationOptions(Secret)).Deidentify(input);
        Assert.DoesNotContain(basic, i => i.Tag.IsPrivate);
        Assert.DoesNotContain(((DicomSequence)basic.GetItem(Fixtures.NestLevel1)!).Items[0], i => i.Tag.IsPrivate);
        Assert.Null(basic.GetItem(new DicomTag(0x5000, 0x3000)));
        Assert.Null(basic.GetItem(new DicomTag(0x5002, 0x0005)));
        Assert.Null(basic.GetItem(new DicomTag(0x6000, 0x3000)));
        Assert.Null(basic.GetItem(new DicomTag(0x6000, 0x4000)));

        var opts = new DeidentificationOptions(Secret) { Options = ConfidentialityOptions.RetainSafePrivate, SafePrivateTags = [Fixtures.SafeTag] };
        var (safe, report) = new DicomDeidentifier(opts).Deidentify(input);
        foreach (var ds in new[] { safe, ((DicomSequence)safe.GetItem(Fixtures.NestLevel1)!).Items[0] })
        {
            Assert.Equal(
                [new DicomTag(0x0011, 0x0010), new DicomTag(0x0011, 0x1005)],
                ds.Where(i => i.Tag.IsPrivate).Select(i => i.Tag).ToArray());
            Assert.Equal("1.5", ds.GetString(new DicomTag(0x0011, 0x1005)));
        }

        Assert.Contains(report.Entries, e => e.Path == "(0011,1005)" && e.Outcome == AttributeOutcome.Kept);
        Assert.Contains(report.Entries, e => e.Path == "(0011,1006)" && e.Outcome == AttributeOutcome.Removed);
        Assert.Contains(report.Entries, e => e.Path == "(0009,1003)" && e.Outcome == AttributeOutcome.Removed);
        Assert.DoesNotContain(fixtures.Survivors(Fixtures.AllValueBytes(safe)), s => s.StartsWith("PLTPRIV", StringComparison.Ordinal));
    }

    /// <summary>The action the table prescribes: an enabled option's C beats its K, either beats the Basic action.</summary>
    internal static (string Action, ProfileColumn? Column) Expected(ConfidentialityProfileRow row, ConfidentialityOptions options, CombinedActionPolicy policy)
    {
        var enabled = Columns.Where(c => options.HasFlag(c.Option)).Select(c => c.Column).ToList();
        var clean = enabled.FirstOrDefault(c => row.OptionAction(c) == ProfileAction.Clean, (ProfileColumn)(-1));
        if ((int)clean >= 0)
        {
            // Modified dates can only shift DA/DT (TM and UTC offsets stay); a binary timestamp (OB) is removed instead.
            bool unshiftable = clean == ProfileColumn.RetainLongitudinalModifiedDates && row.ValueRepresentation is not ("DA" or "DT" or "TM" or "SH");
            return unshiftable ? ("X", clean) : ("C", clean);
        }

        if (enabled.Any(c => row.OptionAction(c) == ProfileAction.Keep))
        {
            return ("K", null);
        }

        string basic = ConfidentialityProfileTable.Format(row.Basic);
        return (policy == CombinedActionPolicy.PreserveConformance
            ? basic switch { "Z/D" or "X/D" or "X/Z/D" => "D", "X/Z" => "Z", "X/Z/U*" => "XZU", _ => basic }
            : basic switch { "Z/D" => "Z", "X/Z" or "X/D" or "X/Z/D" or "X/Z/U*" => "X", _ => basic }, null);
    }

    private static string? Check(string expected, ProfileColumn? column, ConfidentialityProfileRow row, DicomItem original, DicomItem? actual, DicomDeidentifier d, int offset)
    {
        if (expected == "X")
        {
            return actual is null ? null : "still present";
        }

        if (actual is null)
        {
            return "missing";
        }

        switch (expected)
        {
            case "Z":
                return actual switch
                {
                    DicomSequence s => s.Items.Count == 0 ? null : "sequence has items",
                    DicomElement e => e.Length == 0 ? null : "not empty",
                    _ => "odd item",
                };
            case "K":
                if (original is DicomSequence ks)
                {
                    return actual is DicomSequence kept && kept.Items.Count == ks.Items.Count ? null : "sequence not kept";
                }

                return Same(original, actual) ? null : "value changed";
            case "U":
                return Text(actual) == d.MapUid(Text(original)) ? null : $"UID not mapped ({Text(actual)})";
            case "XZU":
                if (actual is not DicomSequence refs || refs.Items.Count != 1)
                {
                    return "reference sequence not kept";
                }

                var refItem = refs.Items[0];
                string origUid = ((DicomSequence)original).Items[0].GetString(new DicomTag(0x0008, 0x1155));
                return refItem.GetString(new DicomTag(0x0008, 0x1155)) == d.MapUid(origUid)
                    && refItem.GetString(new DicomTag(0x0008, 0x1150)) == "1.2.840.10008.5.1.4.1.1.2" ? null : "references not remapped";
            case "D":
                if (original is DicomSequence)
                {
                    if (actual is not DicomSequence ds || ds.Items.Count != 1)
                    {
                        return "dummy sequence lost its item";
                    }

                    var item = ds.Items[0];
                    return item.GetString(new DicomTag(0x0008, 0x0104)) == "ANONYMOUS" && item.GetString(new DicomTag(0x0008, 0x0100)) == "ANONYMOUS"
                        && item.GetString(new DicomTag(0x0040, 0xA123)) == "ANONYMOUS" ? null : "dummy sequence values not replaced";
                }

                if (original.VR == DicomVR.UI)
                {
                    return Text(actual) == d.MapUid(Text(original)) ? null : "UID not mapped";
                }

                return actual is DicomElement de && de.Length > 0 && !Same(original, actual) ? null : "not a dummy";
            case "C":
                return CheckClean(column!.Value, row, original, actual, offset);
            default:
                return "unexpected action " + expected;
        }
    }

    private static string? CheckClean(ProfileColumn column, ConfidentialityProfileRow row, DicomItem original, DicomItem actual, int offset)
    {
        if (column == ProfileColumn.RetainLongitudinalModifiedDates)
        {
            string o = Text(original);
            string a = Text(actual);
            switch (original.VR)
            {
                case DicomVR.DA:
                    var expectedDate = DateTime.ParseExact(o, "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(offset).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                    return a == expectedDate && a != o ? null : $"date not shifted by {offset} days";
                case DicomVR.DT:
                    var expectedDt = DateTime.ParseExact(o[..8], "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(offset).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + o[8..];
                    return a == expectedDt ? null : $"date-time not shifted ({a})";
                default:
                    return Same(original, actual) ? null : "time changed";
            }
        }

        // Clean Descriptors / Retain Patient Characteristics: free text kept minus the patient's name.
        if (original is DicomSequence)
        {
            if (actual is not DicomSequence cs || cs.Items.Count != 1)
            {
                return "cleaned sequence lost its item";
            }

            string meaning = cs.Items[0].GetString(new DicomTag(0x0008, 0x0104));
            return meaning.StartsWith("PLM", StringComparison.Ordinal) && !meaning.Contains(Fixtures.Surname, StringComparison.Ordinal)
                && cs.Items[0].GetString(new DicomTag(0x0040, 0xA123)) == "ANONYMOUS" ? null : $"sequence not cleaned ({meaning})";
        }

        if (original.VR is DicomVR.LO or DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UC or DicomVR.SH)
        {
            string a = Text(actual);
            return a.StartsWith("PL", StringComparison.Ordinal) && !a.Contains(Fixtures.Surname, StringComparison.Ordinal) ? null : $"text not cleaned ({a.Length} chars)";
        }

        return Same(original, actual) ? null : $"{row.ValueRepresentation} changed";
    }

    private static bool Same(DicomItem a, DicomItem b) =>
        a is DicomElement x && b is DicomElement y && x.VR == y.VR && x.RawValue.Span.SequenceEqual(y.RawValue.Span);

    private static string Text(DicomItem item) =>
        item is DicomElement e ? Encoding.ASCII.GetString(e.RawValue.Span).TrimEnd(' ', '\0') : string.Empty;
}
