using System.Text.RegularExpressions;

namespace HeCompute.Dicom.Deidentification;

/// <summary>
/// Cleans free text kept by Clean Descriptors / Retain Patient Characteristics: removes every identifying value the
/// de-identifier found in the dataset (names and their parts, IDs, addresses, institution and station names,
/// dates in common spellings) wherever it occurs as a word, then anything that looks like a date, a UID, an
/// e-mail address, a telephone number or a long number. What remains is what a reader could still see; it cannot
/// catch identifiers the dataset does not also carry elsewhere (a caller's <see cref="DeidentificationOptions.DescriptorCleaner"/> can go further).
/// </summary>
internal sealed partial class TextCleaner
{
    private readonly Regex? _identifiers;

    internal TextCleaner(IEnumerable<string> identifyingTokens)
    {
        var tokens = identifyingTokens
            .Select(t => t.Trim())
            .Where(t => t.Length >= 2)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(t => t.Length)
            .Select(Regex.Escape)
            .ToList();
        if (tokens.Count > 0)
        {
            // One pass: any identifying value that stands as a whole word (not inside a longer word or number).
            _identifiers = new Regex(
                @"(?<![\p{L}\p{N}])(?:" + string.Join('|', tokens) + @")(?![\p{L}\p{N}])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
                TimeSpan.FromSeconds(2));
        }
    }

    internal string Clean(string text)
    {
        string s = _identifiers?.Replace(text, " ") ?? text;
        s = Email().Replace(s, " ");
        s = UidLike().Replace(s, " ");
        s = DateLike().Replace(s, " ");
        s = Phone().Replace(s, " ");
        s = LongNumber().Replace(s, " ");
        s = Spaces().Replace(s, " ").Trim();
        return s;
    }

    /// <summary>Tokens to remove from free text, taken from an identifying value of the given VR.</summary>
    internal static IEnumerable<string> TokensOf(DicomVR vr, string value)
    {
        foreach (string v in value.Split('\\'))
        {
            string t = v.Trim(' ', '\0');
            if (t.Length == 0)
            {
                continue;
            }

            yield return t;
            switch (vr)
            {
                case DicomVR.PN:
                    foreach (string part in t.Split(['^', '=', ' ', ','], StringSplitOptions.RemoveEmptyEntries))
                    {
                        yield return part;
                    }

                    break;
                case DicomVR.DA when t.Length == 8:
                    string y = t[..4], m = t[4..6], d = t[6..8];
                    yield return $"{y}-{m}-{d}";
                    yield return $"{y}/{m}/{d}";
                    yield return $"{y}.{m}.{d}";
                    yield return $"{d}/{m}/{y}";
                    yield return $"{m}/{d}/{y}";
                    yield return $"{d}.{m}.{y}";
                    yield return $"{d}-{m}-{y}";
                    break;
                case DicomVR.LO or DicomVR.SH or DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UC:
                    foreach (string word in t.Split([' ', ',', ';', '^'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (word.Length >= 3)
                        {
                            yield return word;
                        }
                    }

                    break;
            }
        }
    }

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Email();

    [GeneratedRegex(@"\b\d+(\.\d+){3,}\b", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex UidLike();

    [GeneratedRegex(@"\b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|(1[89]|2\d)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))\b", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DateLike();

    [GeneratedRegex(@"\+?\d[\d ().-]{6,}\d", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Phone();

    [GeneratedRegex(@"\d{5,}", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex LongNumber();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Spaces();
}
