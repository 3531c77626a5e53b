using System.Collections.Frozen;

namespace HeCompute.Dicom.Deidentification;

/// <summary>
/// Modalities and SOP classes whose pixels typically carry burned-in identifying text (ultrasound screens, secondary
/// captures, photographs, slide labels, scanned documents). Used only when BurnedInAnnotation (0028,0301) is absent
/// or not NO.
/// </summary>
internal static class BurnedInRisk
{
    private static readonly FrozenSet<string> Modalities =
        new[] { "US", "IVUS", "OT", "SC", "XC", "ES", "GM", "SM", "OP", "DOC" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] SopClassPrefixes =
    [
        "1.2.840.10008.5.1.4.1.1.7",      // Secondary Capture (and multi-frame SC .7.1-.7.4)
        "1.2.840.10008.5.1.4.1.1.6.",     // Ultrasound Image, Enhanced US Volume
        "1.2.840.10008.5.1.4.1.1.3.1",    // Ultrasound Multi-frame Image
        "1.2.840.10008.5.1.4.1.1.77.1",   // Visible Light (endoscopic, microscopic, photographic, whole slide, video)
        "1.2.840.10008.5.1.4.1.1.104.",   // Encapsulated PDF, CDA, STL, ...
    ];

    private static readonly FrozenSet<string> SopClasses =
        new[] { "1.2.840.10008.5.1.4.1.1.6", "1.2.840.10008.5.1.4.1.1.3" }.ToFrozenSet(StringComparer.Ordinal); // retired US classes

    /// <summary>Why the image is at risk (no values of the dataset quoted), or null.</summary>
    internal static string? Reason(string modality, string sopClassUid)
    {
        if (Modalities.Contains(modality))
        {
            return $"Modality is {modality}";
        }

        foreach (string prefix in SopClassPrefixes)
        {
            if (sopClassUid.StartsWith(prefix, StringComparison.Ordinal)
                && (sopClassUid.Length == prefix.Length || prefix.EndsWith('.') || sopClassUid[prefix.Length] == '.'))
            {
                return $"SOP Class {sopClassUid}";
            }
        }

        return SopClasses.Contains(sopClassUid) ? $"SOP Class {sopClassUid}" : null;
    }
}
