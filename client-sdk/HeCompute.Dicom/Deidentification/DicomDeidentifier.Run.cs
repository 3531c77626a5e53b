using System.Globalization;

namespace HeCompute.Dicom.Deidentification;

public sealed partial class DicomDeidentifier
{
    /// <summary>The state of one <see cref="Deidentify(DicomDataset)"/> call.</summary>
    private sealed class Run
    {
        private readonly DicomDeidentifier _owner;
        private readonly DicomDataset _original;
        private readonly List<DeidentificationReportEntry> _entries = [];
        private TextCleaner? _cleaner;
        private int? _dateOffset;

        internal Run(DicomDeidentifier owner, DicomDataset original)
        {
            _owner = owner;
            _original = original;
        }

        private DeidentificationOptions Options => _owner._options;

        internal void ProcessDataset(DicomDataset dataset, string path, ContentMode mode, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new DeidentificationException($"Sequences are nested more than {MaxDepth} levels deep at {path}.");
            }

            ProcessPrivate(dataset, path, depth);
            foreach (var item in dataset.Where(i => !i.Tag.IsPrivate).ToList())
            {
                ProcessItem(dataset, item, path, mode, depth);
            }
        }

        private void ProcessItem(DicomDataset dataset, DicomItem item, string path, ContentMode mode, int depth)
        {
            var tag = item.Tag;
            string p = path + tag.ToString();
            if (tag.IsGroupLength)
            {
                dataset.Remove(tag);
                Report(p, tag, null, AttributeOutcome.Removed, "group length (beyond table; lengths change)");
                return;
            }

            if (!_owner._table.TryGetRow(tag, out var row))
            {
                ProcessUnlisted(dataset, item, p, mode, depth);
                return;
            }

            var (action, column, rule) = _owner.Resolve(row);
            var vr = EffectiveVR(item, row);
            switch (action)
            {
                case ProfileAction.Remove:
                    dataset.Remove(tag);
                    Report(p, tag, row, AttributeOutcome.Removed, rule);
                    break;
                case ProfileAction.Zero:
                    SetEmpty(dataset, tag, vr);
                    Report(p, tag, row, AttributeOutcome.Emptied, rule);
                    break;
                case ProfileAction.Dummy:
                    ApplyDummy(dataset, item, vr, p, row, rule, depth);
                    break;
                case ProfileAction.Keep:
                    if (item is DicomSequence keptSequence)
                    {
                        Report(p, tag, row, AttributeOutcome.Kept, rule + " (items de-identified)");
                        ProcessItems(keptSequence, p, mode, depth);
                    }
                    else
                    {
                        Report(p, tag, row, AttributeOutcome.Kept, rule);
                    }

                    break;
                case ProfileAction.Clean:
                    ApplyClean(dataset, item, vr, column, p, row, rule, depth);
                    break;
                case ProfileAction.ReplaceUid:
                    ApplyReplaceUid(dataset, item, vr, p, row, rule, mode, depth);
                    break;
                case ProfileAction.RemoveOrZeroOrReplaceUids:
                    // Resolved to "keep the references": the sequence stays, its UIDs are replaced by their own U rows.
                    if (item is DicomSequence references)
                    {
                        Report(p, tag, row, AttributeOutcome.Kept, rule + " (items de-identified, instance UIDs replaced)");
                        ProcessItems(references, p, mode, depth);
                    }
                    else
                    {
                        ApplyReplaceUid(dataset, item, vr, p, row, rule, mode, depth);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unresolved action {action} for {row.TagPattern}.");
            }
        }

        private void ProcessUnlisted(DicomDataset dataset, DicomItem item, string p, ContentMode mode, int depth)
        {
            var tag = item.Tag;
            switch (item)
            {
                case DicomSequence sequence:
                    Report(p, tag, null, AttributeOutcome.Kept, "not in table (items de-identified)");
                    ProcessItems(sequence, p, mode, depth);
                    return;
                case not DicomElement:
                    Report(p, tag, null, AttributeOutcome.Kept, "not in table");
                    return;
            }

            var element = (DicomElement)item;
            if (element.VR == DicomVR.UN && !element.IsDeferred)
            {
                var raw = element.RawValue.Span;
                if (raw.Length >= 4 && raw[0] == 0xFE && raw[1] == 0xFF && raw[2] == 0x00 && raw[3] == 0xE0)
                {
                    // An attribute the dictionary does not know, holding sequence items: it cannot be inspected.
                    dataset.Remove(tag);
                    Report(p, tag, null, AttributeOutcome.Removed, "unlisted UN holding sequence items (cannot be inspected; beyond table)");
                    return;
                }

                string text = AsciiOf(element);
                if (LooksLikeUids(text) && !Options.Options.HasFlag(ConfidentialityOptions.RetainUids) && Options.ReplaceUnlistedUids && !ClassUidTags.Contains(tag.Value))
                {
                    if (RemapUids(dataset, element, DicomVR.UI, skipWellKnown: true))
                    {
                        Report(p, tag, null, AttributeOutcome.UidRemapped, "unlisted UN holding instance UIDs (beyond table)");
                        return;
                    }
                }
            }

            if (element.VR == DicomVR.UI && !Options.Options.HasFlag(ConfidentialityOptions.RetainUids)
                && Options.ReplaceUnlistedUids && !ClassUidTags.Contains(tag.Value))
            {
                if (RemapUids(dataset, element, DicomVR.UI, skipWellKnown: true))
                {
                    Report(p, tag, null, AttributeOutcome.UidRemapped, "unlisted instance UID (beyond table)");
                }
                else
                {
                    Report(p, tag, null, AttributeOutcome.Kept, "not in table (well-known DICOM UID)");
                }

                return;
            }

            if (element.VR == DicomVR.PN && Options.RemoveUnlistedPersonNames)
            {
                dataset.Remove(tag);
                Report(p, tag, null, AttributeOutcome.Removed, "unlisted person name (beyond table)");
                return;
            }

            if (mode == ContentMode.Dummy && IsDummiedInSequence(element.VR))
            {
                SetDummy(dataset, tag, element.VR);
                Report(p, tag, null, AttributeOutcome.Replaced, "not in table, inside a sequence replaced by D");
                return;
            }

            if (mode == ContentMode.Clean && IsFreeText(element.VR))
            {
                CleanText(dataset, element, element.VR, p, null, "not in table, inside a sequence cleaned by C");
                return;
            }

            Report(p, tag, null, AttributeOutcome.Kept, "not in table");
        }

        private void ProcessItems(DicomSequence sequence, string p, ContentMode mode, int depth)
        {
            for (int i = 0; i < sequence.Items.Count; i++)
            {
                ProcessDataset(sequence.Items[i], p + "[" + i.ToString(CultureInfo.InvariantCulture) + "]/", mode, depth + 1);
            }
        }

        private void ProcessPrivate(DicomDataset dataset, string path, int depth)
        {
            var privateItems = dataset.Where(i => i.Tag.IsPrivate).ToList();
            if (privateItems.Count == 0)
            {
                return;
            }

            _owner._table.TryGetRow(privateItems[0].Tag, out var privateRow);
            bool retainSafe = Options.Options.HasFlag(ConfidentialityOptions.RetainSafePrivate);
            string removeRule = privateRow is null ? "private (beyond table)" : "Basic " + ConfidentialityProfileTable.Format(privateRow.Basic) + " (private)";
            var creators = new Dictionary<(ushort Group, byte Block), string>();
            foreach (var item in privateItems)
            {
                if (item.Tag.IsPrivateCreator && item is DicomElement creator)
                {
                    creators[(item.Tag.Group, (byte)item.Tag.Element)] = TextOf(dataset, item.Tag).Trim();
                }
            }

            var usedBlocks = new HashSet<(ushort, byte)>();
            foreach (var item in privateItems)
            {
                var tag = item.Tag;
                if (tag.IsPrivateCreator)
                {
                    continue;
                }

                string p = path + tag.ToString();
                (ushort Group, byte Block) block = (tag.Group, (byte)(tag.Element >> 8));
                bool safe = retainSafe && tag.Element >= 0x1000 && creators.TryGetValue(block, out string? creatorName)
                    && Options.SafePrivateTags.Any(s => s.PrivateCreator.Trim() == creatorName && s.ElementOffset == (byte)tag.Element && (s.Group is null || s.Group == tag.Group));
                if (!safe)
                {
                    dataset.Remove(tag);
                    Report(p, tag, privateRow, AttributeOutcome.Removed, removeRule);
                    continue;
                }

                usedBlocks.Add(block);
                Report(p, tag, privateRow, AttributeOutcome.Kept, "RtnSafePriv C (on the safe private allow-list)");
                if (item is DicomSequence sequence)
                {
                    ProcessItems(sequence, p, ContentMode.Normal, depth);
                }
            }

            foreach (var item in privateItems.Where(i => i.Tag.IsPrivateCreator))
            {
                var tag = item.Tag;
                string p = path + tag.ToString();
                if (usedBlocks.Contains((tag.Group, (byte)tag.Element)))
                {
                    Report(p, tag, privateRow, AttributeOutcome.Kept, "private creator of retained safe private attributes");
                }
                else
                {
                    dataset.Remove(tag);
                    Report(p, tag, privateRow, AttributeOutcome.Removed, removeRule);
                }
            }
        }

        private void ApplyDummy(DicomDataset dataset, DicomItem item, DicomVR vr, string p, ConfidentialityProfileRow row, string rule, int depth)
        {
            var tag = item.Tag;
            if (item is DicomSequence sequence)
            {
                // A dummy sequence: the items keep their structure; the table applies inside, and every remaining
                // text, date and name value is replaced by a dummy (codes, numbers and class UIDs stay).
                Report(p, tag, row, AttributeOutcome.Replaced, rule + " (item values replaced by dummies)");
                ProcessItems(sequence, p, ContentMode.Dummy, depth);
                return;
            }

            if (vr == DicomVR.SQ)
            {
                SetEmpty(dataset, tag, vr);
                Report(p, tag, row, AttributeOutcome.Emptied, rule + " (sequence stored as UN: emptied)");
                return;
            }

            if (vr == DicomVR.UI && item is DicomElement uidElement)
            {
                RemapUids(dataset, uidElement, vr, skipWellKnown: false);
                Report(p, tag, row, AttributeOutcome.UidRemapped, rule);
                return;
            }

            SetDummy(dataset, tag, vr);
            Report(p, tag, row, AttributeOutcome.Replaced, rule);
        }

        private void ApplyReplaceUid(DicomDataset dataset, DicomItem item, DicomVR vr, string p, ConfidentialityProfileRow row, string rule, ContentMode mode, int depth)
        {
            var tag = item.Tag;
            switch (item)
            {
                case DicomSequence sequence:
                    Report(p, tag, row, AttributeOutcome.Kept, rule + " (items de-identified)");
                    ProcessItems(sequence, p, mode, depth);
                    return;
                case DicomElement element when vr == DicomVR.UI:
                    RemapUids(dataset, element, vr, skipWellKnown: false);
                    Report(p, tag, row, AttributeOutcome.UidRemapped, rule);
                    return;
                default:
                    SetEmpty(dataset, tag, vr);
                    Report(p, tag, row, AttributeOutcome.Emptied, rule + $" (not a UID value: {vr})");
                    return;
            }
        }

        private void ApplyClean(DicomDataset dataset, DicomItem item, DicomVR vr, ProfileColumn? column, string p, ConfidentialityProfileRow row, string rule, int depth)
        {
            var tag = item.Tag;
            if (column == ProfileColumn.RetainLongitudinalModifiedDates)
            {
                if (item is DicomElement dateElement && vr is DicomVR.DA or DicomVR.DT)
                {
                    string original = AsciiOf(dateElement);
                    int days = DateOffset();
                    string? shifted = vr == DicomVR.DA ? DateShifter.ShiftDates(original, days) : DateShifter.ShiftDateTimes(original, days);
                    if (shifted is null)
                    {
                        SetEmpty(dataset, tag, vr);
                        Report(p, tag, row, AttributeOutcome.Emptied, rule + " (not a valid date: emptied)");
                        return;
                    }

                    SetAscii(dataset, tag, vr, shifted);
                    Report(p, tag, row, AttributeOutcome.DateShifted, rule);
                    return;
                }

                if (item is DicomElement && vr is DicomVR.TM or DicomVR.SH)
                {
                    Report(p, tag, row, AttributeOutcome.Kept, rule + " (time of day / UTC offset: unchanged by a whole-day shift)");
                    return;
                }

                dataset.Remove(tag);
                Report(p, tag, row, AttributeOutcome.Removed, rule + $" (no date cleaning for {vr}: removed)");
                return;
            }

            if (column is ProfileColumn.RetainPatientCharacteristics or ProfileColumn.CleanDescriptors)
            {
                if (item is DicomSequence sequence)
                {
                    Report(p, tag, row, AttributeOutcome.Cleaned, rule + " (items de-identified, free text cleaned)");
                    ProcessItems(sequence, p, ContentMode.Clean, depth);
                    return;
                }

                if (item is DicomElement textElement && IsFreeText(vr))
                {
                    CleanText(dataset, textElement, vr, p, row, rule);
                    return;
                }

                if (vr is DicomVR.SQ or DicomVR.PN)
                {
                    dataset.Remove(tag);
                    Report(p, tag, row, AttributeOutcome.Removed, rule + $" (cannot clean {vr}: removed)");
                    return;
                }

                Report(p, tag, row, AttributeOutcome.Kept, rule + $" ({vr} is not free text)");
                return;
            }

            // Clean Structured Content / Clean Graphics are not offered; anything else falls back to removal.
            dataset.Remove(tag);
            Report(p, tag, row, AttributeOutcome.Removed, rule + " (no cleaner: removed)");
        }

        private void CleanText(DicomDataset dataset, DicomElement element, DicomVR vr, string p, ConfidentialityProfileRow? row, string rule)
        {
            string? original = ReadText(dataset, element, vr);
            if (original is null)
            {
                dataset.Remove(element.Tag);
                Report(p, element.Tag, row, AttributeOutcome.Removed, rule + " (character set not decodable: removed)");
                return;
            }

            string cleaned;
            try
            {
                cleaned = Cleaner().Clean(original);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                dataset.Remove(element.Tag);
                Report(p, element.Tag, row, AttributeOutcome.Removed, rule + " (text too long to clean in time: removed)");
                return;
            }

            if (Options.DescriptorCleaner is { } custom)
            {
                cleaned = custom(element.Tag, cleaned)?.Trim() ?? string.Empty;
            }

            if (cleaned.Length == 0)
            {
                SetEmpty(dataset, element.Tag, vr);
                Report(p, element.Tag, row, AttributeOutcome.Emptied, rule + " (nothing safe left)");
                return;
            }

            if (vr is DicomVR.LO or DicomVR.SH)
            {
                cleaned = cleaned.Replace('\\', ' '); // keep it one value
            }

            try
            {
                dataset.AddOrUpdate(vr, element.Tag, cleaned);
                Report(p, element.Tag, row, AttributeOutcome.Cleaned, rule);
            }
            catch (DicomException)
            {
                dataset.Remove(element.Tag);
                Report(p, element.Tag, row, AttributeOutcome.Removed, rule + " (character set not encodable: removed)");
            }
        }

        /// <summary>Replaces each UID value; returns false when nothing changed (well-known UIDs skipped).</summary>
        private bool RemapUids(DicomDataset dataset, DicomElement element, DicomVR vr, bool skipWellKnown)
        {
            string[] values = AsciiOf(element).Split('\\');
            bool changed = false;
            for (int i = 0; i < values.Length; i++)
            {
                string v = values[i].Trim(' ', '\0');
                if (v.Length == 0 || (skipWellKnown && v.StartsWith(DicomUidRoot, StringComparison.Ordinal)))
                {
                    values[i] = v;
                    continue;
                }

                values[i] = _owner._uidMapper.Map(v);
                changed = true;
            }

            if (changed || element.VR != vr)
            {
                SetAscii(dataset, element.Tag, vr, string.Join('\\', values));
            }

            return changed;
        }

        internal IReadOnlyList<string> AddMethodAttributes(DicomDataset result, bool pixelsCleaned)
        {
            var o = Options.Options;
            var codes = new List<(string Value, string Meaning)> { ("113100", "Basic Application Confidentiality Profile") };
            if (pixelsCleaned)
            {
                codes.Add(("113101", "Clean Pixel Data Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.CleanDescriptors))
            {
                codes.Add(("113105", "Clean Descriptors Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.RetainLongitudinalFullDates))
            {
                codes.Add(("113106", "Retain Longitudinal Temporal Information Full Dates Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.RetainLongitudinalModifiedDates))
            {
                codes.Add(("113107", "Retain Longitudinal Temporal Information Modified Dates Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.RetainPatientCharacteristics))
            {
                codes.Add(("113108", "Retain Patient Characteristics Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.RetainDeviceIdentity))
            {
                codes.Add(("113109", "Retain Device Identity Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.RetainUids))
            {
                codes.Add(("113110", "Retain UIDs Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.RetainSafePrivate))
            {
                codes.Add(("113111", "Retain Safe Private Option"));
            }

            if (o.HasFlag(ConfidentialityOptions.RetainInstitutionIdentity))
            {
                codes.Add(("113112", "Retain Institution Identity Option"));
            }

            SetAscii(result, Tags.PatientIdentityRemoved, DicomVR.CS, "YES");
            Report(Tags.PatientIdentityRemoved.ToString(), Tags.PatientIdentityRemoved, null, AttributeOutcome.Added, "PS3.15 E.1.1");
            SetAscii(result, Tags.DeidentificationMethod, DicomVR.LO, string.Join('\\', codes.Select(c => c.Meaning)));
            Report(Tags.DeidentificationMethod.ToString(), Tags.DeidentificationMethod, null, AttributeOutcome.Added, "PS3.15 E.1.1");
            var items = codes.Select(c =>
            {
                var item = new DicomDataset();
                SetAscii(item, Tags.CodeValue, DicomVR.SH, c.Value);
                SetAscii(item, Tags.CodingSchemeDesignator, DicomVR.SH, "DCM");
                SetAscii(item, Tags.CodeMeaning, DicomVR.LO, c.Meaning);
                return item;
            }).ToList();
            result.AddOrUpdate(new DicomSequence(Tags.DeidentificationMethodCodeSequence, items));
            Report(Tags.DeidentificationMethodCodeSequence.ToString(), Tags.DeidentificationMethodCodeSequence, null, AttributeOutcome.Added, "PS3.15 E.1.1, CID 7050");

            string temporal = o.HasFlag(ConfidentialityOptions.RetainLongitudinalFullDates) ? "UNMODIFIED"
                : o.HasFlag(ConfidentialityOptions.RetainLongitudinalModifiedDates) ? "MODIFIED" : "REMOVED";
            SetAscii(result, Tags.LongitudinalTemporalInformationModified, DicomVR.CS, temporal);
            Report(Tags.LongitudinalTemporalInformationModified.ToString(), Tags.LongitudinalTemporalInformationModified, null, AttributeOutcome.Added, "PS3.15 E.3.6");
            return [.. codes.Select(c => c.Value)];
        }

        internal DeidentificationReport BuildReport(IReadOnlyList<string> codes, bool acceptedBurnedIn) => new()
        {
            OptionsApplied = [.. OptionColumns.Where(c => Options.Options.HasFlag(c.Option)).Select(c => c.Option.ToString())],
            MethodCodes = codes,
            BurnedInAnnotationAccepted = acceptedBurnedIn,
            Entries = _entries,
        };

        internal void Report(string path, DicomTag tag, ConfidentialityProfileRow? row, AttributeOutcome outcome, string rule)
        {
            string? keyword = row is { IsMask: false, IsPrivateAttributes: false } ? row.Keyword : tag.Keyword;
            _entries.Add(new DeidentificationReportEntry(path, keyword, outcome, rule));
        }

        private int DateOffset()
        {
            if (_dateOffset is { } cached)
            {
                return cached;
            }

            // The patient key: Patient ID with its issuer; else name and birth date; else the study.
            string id = TextOf(_original, Tags.PatientID).Trim();
            string key = id.Length > 0
                ? "id\0" + id + "\0" + TextOf(_original, Tags.IssuerOfPatientID).Trim()
                : TextOf(_original, Tags.PatientName).Trim().Length > 0
                    ? "name\0" + TextOf(_original, Tags.PatientName).Trim() + "\0" + TextOf(_original, Tags.PatientBirthDate).Trim()
                    : "study\0" + TextOf(_original, Tags.StudyInstanceUID).Trim(' ', '\0');
            int offset = DateShifter.OffsetDays(Options.Secret.Span, key, Options.MaximumDateShiftDays);
            _dateOffset = offset;
            return offset;
        }

        private TextCleaner Cleaner()
        {
            if (_cleaner is null)
            {
                var tokens = new List<string>();
                CollectTokens(_original, tokens, 0);
                _cleaner = new TextCleaner(tokens);
            }

            return _cleaner;
        }

        /// <summary>Identifying values of the original dataset (listed attributes that are not themselves descriptors, and every person name).</summary>
        private void CollectTokens(DicomDataset dataset, List<string> tokens, int depth)
        {
            if (depth > MaxDepth)
            {
                return;
            }

            foreach (var item in dataset)
            {
                if (item is DicomSequence sequence)
                {
                    foreach (var child in sequence.Items)
                    {
                        CollectTokens(child, tokens, depth + 1);
                    }

                    continue;
                }

                if (item is not DicomElement element || element.IsDeferred || item.Tag.IsPrivate)
                {
                    continue;
                }

                bool listed = _owner._table.TryGetRow(item.Tag, out var row);
                bool identifying = element.VR == DicomVR.PN
                    || (listed && row.Basic != ProfileAction.ReplaceUid && !row.OptionActions.Values.Contains(ProfileAction.Clean) && !row.IsMask);
                var vr = listed ? EffectiveVR(item, row) : element.VR;
                if (identifying && vr is DicomVR.PN or DicomVR.LO or DicomVR.SH or DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UC or DicomVR.AE or DicomVR.DA)
                {
                    if (ReadText(dataset, element, vr) is { } text)
                    {
                        tokens.AddRange(TextCleaner.TokensOf(vr, text));
                    }
                }
            }
        }

        /// <summary>Text decoded with the dataset's character set; null when the character set cannot be decoded.</summary>
        private static string? ReadText(DicomDataset dataset, DicomElement element, DicomVR vr)
        {
            if (!DicomVRInfo.UsesSpecificCharacterSet(vr))
            {
                return AsciiOf(element);
            }

            try
            {
                return element.VR == vr ? dataset.GetString(element.Tag) : dataset.TextEncoding.GetString(element.RawValue.Span).TrimEnd(' ', '\0');
            }
            catch (DicomException)
            {
                return null;
            }
        }

        /// <summary>Writes an ASCII value (UIDs, dates, dummies: valid in every character set) without encoding through the dataset.</summary>
        private static void SetAscii(DicomDataset dataset, DicomTag tag, DicomVR vr, string value)
        {
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(value);
            if (bytes.Length % 2 == 1)
            {
                bytes = [.. bytes, vr == DicomVR.UI ? (byte)0 : (byte)' '];
            }

            dataset.AddOrUpdate(new DicomElement(tag, vr, bytes));
        }

        private static DicomVR EffectiveVR(DicomItem item, ConfidentialityProfileRow row)
        {
            if (item.VR != DicomVR.UN || row.ValueRepresentation.Length == 0)
            {
                return item.VR;
            }

            string first = row.ValueRepresentation.Split('/')[0];
            return DicomVRInfo.TryParse(first, out var vr) ? vr : DicomVR.UN;
        }

        private static bool LooksLikeUids(string text) =>
            text.Length >= 3 && text.Split('\\').All(v => v.Length is > 0 and <= 64 && v.Contains('.', StringComparison.Ordinal)
                && v.All(c => c is '.' or (>= '0' and <= '9')) && char.IsAsciiDigit(v[0]) && char.IsAsciiDigit(v[^1]));

        private static bool IsFreeText(DicomVR vr) => vr is DicomVR.LO or DicomVR.LT or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UT;

        private static bool IsDummiedInSequence(DicomVR vr) =>
            vr is DicomVR.AE or DicomVR.AS or DicomVR.DA or DicomVR.DT or DicomVR.TM or DicomVR.LO or DicomVR.LT or DicomVR.PN
                or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UR or DicomVR.UT;

        private static void SetEmpty(DicomDataset dataset, DicomTag tag, DicomVR vr)
        {
            if (vr == DicomVR.SQ)
            {
                dataset.AddOrUpdate(new DicomSequence(tag));
                return;
            }

            dataset.AddOrUpdate(new DicomElement(tag, vr, ReadOnlyMemory<byte>.Empty));
        }

        private static void SetDummy(DicomDataset dataset, DicomTag tag, DicomVR vr)
        {
            string? text = vr switch
            {
                DicomVR.AE or DicomVR.CS or DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UT => "ANONYMOUS",
                DicomVR.AS => "000Y",
                DicomVR.DA => "19000101",
                DicomVR.DT => "19000101000000",
                DicomVR.TM => "000000",
                DicomVR.DS or DicomVR.IS => "0",
                DicomVR.UR => "urn:oid:2.25.0",
                DicomVR.UI => "2.25.0",
                _ => null,
            };
            if (text is not null)
            {
                SetAscii(dataset, tag, vr, text);
                return;
            }

            int size = vr switch
            {
                DicomVR.FD or DicomVR.SV or DicomVR.UV or DicomVR.OD or DicomVR.OV => 8,
                DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.AT or DicomVR.OF or DicomVR.OL => 4,
                _ => 2,
            };
            dataset.AddOrUpdate(new DicomElement(tag, vr, new byte[size]));
        }
    }

    /// <summary>The action to apply under the chosen options: an option's C beats an option's K, either beats the Basic action; combined actions resolved by policy.</summary>
    private (ProfileAction Action, ProfileColumn? Column, string Rule) Resolve(ConfidentialityProfileRow row)
    {
        ProfileAction chosen = ProfileAction.None;
        ProfileColumn? from = null;
        foreach (var column in _columns)
        {
            var a = row.OptionAction(column);
            if (a == ProfileAction.Clean || (a != ProfileAction.None && chosen == ProfileAction.None))
            {
                if (chosen != ProfileAction.Clean)
                {
                    chosen = a;
                    from = column;
                }
            }
        }

        if (chosen != ProfileAction.None)
        {
            return (chosen, from, ConfidentialityProfileTable.Format(from!.Value) + " " + ConfidentialityProfileTable.Format(chosen));
        }

        var basic = row.Basic;
        var resolved = ResolveCombined(basic);
        string rule = "Basic " + ConfidentialityProfileTable.Format(basic)
            + (resolved == basic ? string.Empty : "→" + ConfidentialityProfileTable.Format(resolved));
        return (resolved, null, rule);
    }

    private ProfileAction ResolveCombined(ProfileAction action) => _options.CombinedActions switch
    {
        CombinedActionPolicy.RemoveWherePermitted => action switch
        {
            ProfileAction.ZeroOrDummy => ProfileAction.Zero,
            ProfileAction.RemoveOrZero or ProfileAction.RemoveOrDummy or ProfileAction.RemoveOrZeroOrDummy
                or ProfileAction.RemoveOrZeroOrReplaceUids => ProfileAction.Remove,
            _ => action,
        },
        _ => action switch
        {
            ProfileAction.ZeroOrDummy or ProfileAction.RemoveOrDummy or ProfileAction.RemoveOrZeroOrDummy => ProfileAction.Dummy,
            ProfileAction.RemoveOrZero => ProfileAction.Zero,
            _ => action, // X/Z/U* handled by the engine: the references stay, their UIDs are replaced
        },
    };
}
