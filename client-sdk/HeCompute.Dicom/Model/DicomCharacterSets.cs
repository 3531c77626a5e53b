using System.Text;

namespace HeCompute.Dicom;

/// <summary>Maps Specific Character Set (0008,0005) defined terms to .NET encodings (PS3.3 C.12.1.1.2, PS3.5 section 6.1).</summary>
public static class DicomCharacterSets
{
    /// <summary>The encoding used when no Specific Character Set is given: ISO 8859-1, a superset of the default repertoire that loses no byte.</summary>
    public static Encoding Default => Encoding.Latin1;

    /// <summary>The encoding for the Specific Character Set's defined terms (empty: the default repertoire).</summary>
    /// <exception cref="DicomException">A term is unknown or not supported.</exception>
    public static Encoding GetEncoding(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0)
        {
            return Default;
        }

        string first = terms[0].Trim();
        return first switch
        {
            "" or "ISO_IR 6" or "ISO 2022 IR 6" => Default,
            "ISO_IR 100" or "ISO 2022 IR 100" => Encoding.Latin1,
            "ISO_IR 192" => new UTF8Encoding(false, false),
            _ => throw new DicomException($"Specific Character Set '{string.Join('\\', terms)}' is not supported."),
        };
    }
}
