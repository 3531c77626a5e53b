using System.Text;

namespace HeCompute.Dicom;

/// <summary>
/// Maps Specific Character Set (0008,0005) defined terms to .NET encodings (PS3.3 C.12.1.1.2, PS3.5 section 6.1):
/// the single-byte ISO 8859 sets, JIS X 0201, TIS 620, UTF-8, GB18030 and GBK, and ISO 2022 code extensions (escape
/// sequences switching among those single-byte sets, JIS X 0208, JIS X 0212, KS X 1001 and GB 2312). Decoding a value
/// the character set cannot represent raises a <see cref="DicomException"/> for that value.
/// </summary>
public static class DicomCharacterSets
{
    /// <summary>The encoding used when no Specific Character Set is given: ISO 8859-1, a superset of the default repertoire that loses no byte.</summary>
    public static Encoding Default => Encoding.Latin1;

    /// <summary>
    /// The encoding for the Specific Character Set's values (empty: the default repertoire). Unknown terms give an
    /// encoding that decodes ASCII and raises <see cref="DicomException"/> for any other byte.
    /// </summary>
    public static Encoding GetEncoding(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var normalized = terms.Select(Normalize).ToList();
        if (normalized.Count == 0 || (normalized.Count == 1 && normalized[0].Length == 0))
        {
            return Default;
        }

        bool extensions = normalized.Any(t => t.StartsWith("ISO2022", StringComparison.Ordinal));
        if (!extensions)
        {
            // One term (a second one without code extensions is not allowed; the first decides).
            string first = normalized.FirstOrDefault(t => t.Length > 0) ?? string.Empty;
            return Single(first) ?? Unknown(string.Join('\\', terms));
        }

        var designations = new List<CharacterSet>();
        foreach (string term in normalized)
        {
            var set = term.Length == 0 ? CharacterSet.Ascii : CharacterSet.FromTerm(term);
            if (set is null)
            {
                return Unknown(string.Join('\\', terms));
            }

            designations.Add(set);
        }

        return new Iso2022Encoding(designations, string.Join('\\', terms));
    }

    /// <summary>The .NET encoding of one term without code extensions, or null.</summary>
    private static Encoding? Single(string term) => term switch
    {
        "" or "ISOIR6" => Default,
        "ISOIR100" => Encoding.Latin1,
        "ISOIR101" => CodePage(28592),
        "ISOIR109" => CodePage(28593),
        "ISOIR110" => CodePage(28594),
        "ISOIR144" => CodePage(28595),
        "ISOIR127" => CodePage(28596),
        "ISOIR126" => CodePage(28597),
        "ISOIR138" => CodePage(28598),
        "ISOIR148" => CodePage(28599),
        "ISOIR203" => CodePage(28605),
        "ISOIR13" => CodePage(932),
        "ISOIR166" => CodePage(874),
        "ISOIR192" => new UTF8Encoding(false, true),
        "GB18030" => CodePage(54936),
        "GBK" => CodePage(936),
        _ => null,
    };

    /// <summary>A code page from the BCL's code pages provider (exceptions on undecodable bytes), or null.</summary>
    internal static Encoding? CodePage(int codePage)
    {
        var encoding = CodePagesEncodingProvider.Instance.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        if (encoding is not null)
        {
            return encoding;
        }

        try
        {
            return Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (NotSupportedException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Normalize(string term)
    {
        var sb = new StringBuilder();
        foreach (char c in term.Trim())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToUpperInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static Encoding Unknown(string description) => new UnsupportedCharacterSetEncoding(description);

    /// <summary>A character set that can be designated by an ISO 2022 escape sequence.</summary>
    internal sealed class CharacterSet
    {
        private CharacterSet(string name, bool g1, int bytesPerChar, Func<Encoding?> encoding, byte[] escape)
        {
            Name = name;
            IsG1 = g1;
            BytesPerChar = bytesPerChar;
            _encoding = new Lazy<Encoding?>(encoding);
            Escape = escape;
        }

        private readonly Lazy<Encoding?> _encoding;

        internal string Name { get; }

        /// <summary>Designated to G1 (bytes with the high bit set) rather than G0.</summary>
        internal bool IsG1 { get; }

        internal int BytesPerChar { get; }

        /// <summary>The escape sequence after ESC.</summary>
        internal byte[] Escape { get; }

        internal Encoding? Encoding => _encoding.Value;

        internal static readonly CharacterSet Ascii = new("ISO 2022 IR 6", false, 1, () => System.Text.Encoding.ASCII, "(B"u8.ToArray());
        internal static readonly CharacterSet Romaji = new("ISO 2022 IR 13 (romaji)", false, 1, () => System.Text.Encoding.ASCII, "(J"u8.ToArray());
        internal static readonly CharacterSet Katakana = new("ISO 2022 IR 13", true, 1, () => CodePage(932), ")I"u8.ToArray());
        internal static readonly CharacterSet JisX0208 = new("ISO 2022 IR 87", false, 2, () => CodePage(51932), "$B"u8.ToArray());
        internal static readonly CharacterSet JisX0212 = new("ISO 2022 IR 159", false, 2, () => CodePage(20932), "$(D"u8.ToArray());
        internal static readonly CharacterSet KsX1001 = new("ISO 2022 IR 149", true, 2, () => CodePage(51949), "$)C"u8.ToArray());
        internal static readonly CharacterSet Gb2312 = new("ISO 2022 IR 58", true, 2, () => CodePage(936), "$)A"u8.ToArray());

        private static readonly CharacterSet[] SingleByteG1 =
        [
            new("ISO 2022 IR 100", true, 1, () => System.Text.Encoding.Latin1, "-A"u8.ToArray()),
            new("ISO 2022 IR 101", true, 1, () => CodePage(28592), "-B"u8.ToArray()),
            new("ISO 2022 IR 109", true, 1, () => CodePage(28593), "-C"u8.ToArray()),
            new("ISO 2022 IR 110", true, 1, () => CodePage(28594), "-D"u8.ToArray()),
            new("ISO 2022 IR 144", true, 1, () => CodePage(28595), "-L"u8.ToArray()),
            new("ISO 2022 IR 127", true, 1, () => CodePage(28596), "-G"u8.ToArray()),
            new("ISO 2022 IR 126", true, 1, () => CodePage(28597), "-F"u8.ToArray()),
            new("ISO 2022 IR 138", true, 1, () => CodePage(28598), "-H"u8.ToArray()),
            new("ISO 2022 IR 148", true, 1, () => CodePage(28599), "-M"u8.ToArray()),
            new("ISO 2022 IR 203", true, 1, () => CodePage(28605), "-b"u8.ToArray()),
            new("ISO 2022 IR 166", true, 1, () => CodePage(874), "-T"u8.ToArray()),
        ];

        internal static IEnumerable<CharacterSet> All => [Ascii, Romaji, Katakana, JisX0208, JisX0212, KsX1001, Gb2312, .. SingleByteG1];

        internal static CharacterSet? FromTerm(string normalizedTerm) => normalizedTerm switch
        {
            "ISO2022IR6" => Ascii,
            "ISO2022IR13" => Katakana, // with Romaji in G0 (see Iso2022Encoding)
            "ISO2022IR87" => JisX0208,
            "ISO2022IR159" => JisX0212,
            "ISO2022IR149" => KsX1001,
            "ISO2022IR58" => Gb2312,
            _ => SingleByteG1.FirstOrDefault(s => Normalize(s.Name) == normalizedTerm),
        };
    }

    /// <summary>Decodes ISO 2022 code extensions as PS3.5 6.1.2.5 describes; encodes only what the initial sets hold.</summary>
    private sealed class Iso2022Encoding : Encoding
    {
        private readonly CharacterSet _initialG0;
        private readonly CharacterSet? _initialG1;
        private readonly string _description;

        internal Iso2022Encoding(IReadOnlyList<CharacterSet> designations, string description)
        {
            _description = description;
            var first = designations[0];
            _initialG0 = first == CharacterSet.Katakana ? CharacterSet.Romaji : first.IsG1 || first.BytesPerChar == 2 ? CharacterSet.Ascii : first;
            _initialG1 = first.IsG1 ? first : null;
            if (first == CharacterSet.JisX0208 || first == CharacterSet.JisX0212)
            {
                _initialG0 = CharacterSet.Ascii; // multi-byte G0 sets are always invoked by escape sequences
            }
        }

        public override string WebName => "x-dicom-iso2022";

        public override int GetByteCount(char[] chars, int index, int count) => GetBytes(chars, index, count, new byte[count * 2], 0);

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
        {
            // Only characters of the initially designated sets are encoded (no escape sequences are written).
            int written = 0;
            for (int i = charIndex; i < charIndex + charCount; i++)
            {
                char c = chars[i];
                if (c < 0x80)
                {
                    bytes[byteIndex + written++] = (byte)c;
                    continue;
                }

                if (_initialG1 is { BytesPerChar: 1, Encoding: { } g1 })
                {
                    byte[] encoded;
                    try
                    {
                        encoded = g1.GetBytes(c.ToString());
                    }
                    catch (EncoderFallbackException ex)
                    {
                        throw new DicomDataException($"'{c}' cannot be written in Specific Character Set {_description}; use ISO_IR 192.", ex);
                    }

                    encoded.CopyTo(bytes, byteIndex + written);
                    written += encoded.Length;
                    continue;
                }

                throw new DicomDataException($"'{c}' cannot be written in Specific Character Set {_description} without escape sequences; use ISO_IR 192.");
            }

            return written;
        }

        public override int GetCharCount(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count)).Length;

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
        {
            string text = Decode(bytes.AsSpan(byteIndex, byteCount));
            text.CopyTo(0, chars, charIndex, text.Length);
            return text.Length;
        }

        public override string GetString(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count));

        public override int GetMaxByteCount(int charCount) => (charCount * 3) + 8;

        public override int GetMaxCharCount(int byteCount) => byteCount;

        private string Decode(ReadOnlySpan<byte> bytes)
        {
            var sb = new StringBuilder(bytes.Length);
            var g0 = _initialG0;
            var g1 = _initialG1;
            int i = 0;
            while (i < bytes.Length)
            {
                byte b = bytes[i];
                if (b == 0x1B)
                {
                    CharacterSet? designated = null;
                    var rest = bytes[(i + 1)..];
                    foreach (var candidate in CharacterSet.All)
                    {
                        if (rest.StartsWith(candidate.Escape))
                        {
                            designated = candidate;
                            break;
                        }
                    }

                    if (designated is null)
                    {
                        throw new DicomDataException($"Unsupported ISO 2022 escape sequence at byte {i} of a value in Specific Character Set {_description}.");
                    }

                    if (designated.IsG1)
                    {
                        g1 = designated;
                    }
                    else
                    {
                        g0 = designated;
                    }

                    i += 1 + designated.Escape.Length;
                    continue;
                }

                if (b < 0x80)
                {
                    if (g0.BytesPerChar == 2 && b >= 0x21 && b <= 0x7E)
                    {
                        if (i + 1 >= bytes.Length)
                        {
                            throw new DicomDataException($"A two-byte {g0.Name} character is cut off in a value in Specific Character Set {_description}.");
                        }

                        // JIS X 0208 / 0212 row-cell bytes as EUC-JP (high bits set; JIS X 0212 with the SS3 prefix).
                        byte[] euc = g0 == CharacterSet.JisX0212 ? [0x8F, (byte)(b | 0x80), (byte)(bytes[i + 1] | 0x80)] : [(byte)(b | 0x80), (byte)(bytes[i + 1] | 0x80)];
                        sb.Append(DecodeWith(g0, euc));
                        i += 2;
                        continue;
                    }

                    char c = (char)b;
                    sb.Append(c);
                    if (c is '\r' or '\n' or '\t' or '\f' or '\\' or '^' or '=')
                    {
                        // Delimiters return to the initial designations (PS3.5 6.1.2.5.3).
                        g0 = _initialG0;
                        g1 = _initialG1;
                    }

                    i++;
                    continue;
                }

                if (g1 is null)
                {
                    sb.Append((char)b); // a high byte with no G1 set designated: kept as ISO 8859-1 so that no byte is lost
                    i++;
                    continue;
                }

                if (g1.BytesPerChar == 2)
                {
                    if (i + 1 >= bytes.Length)
                    {
                        throw new DicomDataException($"A two-byte {g1.Name} character is cut off in a value in Specific Character Set {_description}.");
                    }

                    sb.Append(DecodeWith(g1, [b, bytes[i + 1]]));
                    i += 2;
                    continue;
                }

                sb.Append(DecodeWith(g1, [b]));
                i++;
            }

            return sb.ToString();
        }

        private string DecodeWith(CharacterSet set, byte[] bytes)
        {
            var encoding = set.Encoding ?? throw new DicomDataException($"{set.Name} is not available in this .NET runtime.");
            try
            {
                return encoding.GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new DicomDataException($"Bytes {System.Convert.ToHexString(bytes)} are not a {set.Name} character (Specific Character Set {_description}).", ex);
            }
        }
    }

    /// <summary>Decodes ASCII; any other byte fails with a <see cref="DicomDataException"/> naming the unsupported character set.</summary>
    private sealed class UnsupportedCharacterSetEncoding(string description) : Encoding
    {
        public override string WebName => "x-dicom-unsupported";

        public override int GetByteCount(char[] chars, int index, int count) => count;

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
        {
            for (int i = 0; i < charCount; i++)
            {
                char c = chars[charIndex + i];
                bytes[byteIndex + i] = c < 0x80 ? (byte)c : throw new DicomDataException($"'{c}' cannot be written in unsupported Specific Character Set '{description}'.");
            }

            return charCount;
        }

        public override int GetCharCount(byte[] bytes, int index, int count) => count;

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
        {
            for (int i = 0; i < byteCount; i++)
            {
                byte b = bytes[byteIndex + i];
                chars[charIndex + i] = b < 0x80 ? (char)b : throw new DicomDataException($"Specific Character Set '{description}' is not supported; the value has non-ASCII bytes.");
            }

            return byteCount;
        }

        public override int GetMaxByteCount(int charCount) => charCount;

        public override int GetMaxCharCount(int byteCount) => byteCount;
    }
}
