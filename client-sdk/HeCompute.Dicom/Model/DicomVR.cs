namespace HeCompute.Dicom;

/// <summary>DICOM value representations (PS3.5 section 6.2).</summary>
#pragma warning disable CA1720 // identifiers are the standard's two-letter codes
public enum DicomVR
{
    /// <summary>Application Entity.</summary>
    AE,
    /// <summary>Age String.</summary>
    AS,
    /// <summary>Attribute Tag.</summary>
    AT,
    /// <summary>Code String.</summary>
    CS,
    /// <summary>Date.</summary>
    DA,
    /// <summary>Decimal String.</summary>
    DS,
    /// <summary>Date Time.</summary>
    DT,
    /// <summary>Floating Point Single.</summary>
    FL,
    /// <summary>Floating Point Double.</summary>
    FD,
    /// <summary>Integer String.</summary>
    IS,
    /// <summary>Long String.</summary>
    LO,
    /// <summary>Long Text.</summary>
    LT,
    /// <summary>Other Byte.</summary>
    OB,
    /// <summary>Other Double.</summary>
    OD,
    /// <summary>Other Float.</summary>
    OF,
    /// <summary>Other Long.</summary>
    OL,
    /// <summary>Other 64-bit Very Long.</summary>
    OV,
    /// <summary>Other Word.</summary>
    OW,
    /// <summary>Person Name.</summary>
    PN,
    /// <summary>Short String.</summary>
    SH,
    /// <summary>Signed Long.</summary>
    SL,
    /// <summary>Sequence of Items.</summary>
    SQ,
    /// <summary>Signed Short.</summary>
    SS,
    /// <summary>Short Text.</summary>
    ST,
    /// <summary>Signed 64-bit Very Long.</summary>
    SV,
    /// <summary>Time.</summary>
    TM,
    /// <summary>Unlimited Characters.</summary>
    UC,
    /// <summary>Unique Identifier.</summary>
    UI,
    /// <summary>Unsigned Long.</summary>
    UL,
    /// <summary>Unknown.</summary>
    UN,
    /// <summary>Universal Resource Identifier or Locator.</summary>
    UR,
    /// <summary>Unsigned Short.</summary>
    US,
    /// <summary>Unlimited Text.</summary>
    UT,
    /// <summary>Unsigned 64-bit Very Long.</summary>
    UV,
}
#pragma warning restore CA1720

/// <summary>Encoding rules of each VR (PS3.5 sections 6.2 and 7.1.2).</summary>
public static class DicomVRInfo
{
    private const int Count = (int)DicomVR.UV + 1;

    // Per VR: bit 0 = 32-bit length field in explicit VR (with 2 reserved bytes), bit 1 = character string,
    // bit 2 = multi-valued with backslash, bit 3 = leading spaces insignificant; unit = byte size of one binary value.
    private static readonly byte[] Flags = new byte[Count];
    private static readonly byte[] Units = new byte[Count];

    static DicomVRInfo()
    {
        foreach (var vr in new[] { DicomVR.OB, DicomVR.OD, DicomVR.OF, DicomVR.OL, DicomVR.OV, DicomVR.OW, DicomVR.SQ, DicomVR.SV, DicomVR.UC, DicomVR.UN, DicomVR.UR, DicomVR.UT, DicomVR.UV })
        {
            Flags[(int)vr] |= 1;
        }

        foreach (var vr in new[] { DicomVR.AE, DicomVR.AS, DicomVR.CS, DicomVR.DA, DicomVR.DS, DicomVR.DT, DicomVR.IS, DicomVR.LO, DicomVR.LT, DicomVR.PN, DicomVR.SH, DicomVR.ST, DicomVR.TM, DicomVR.UC, DicomVR.UI, DicomVR.UR, DicomVR.UT })
        {
            Flags[(int)vr] |= 2;
        }

        foreach (var vr in new[] { DicomVR.AE, DicomVR.AS, DicomVR.CS, DicomVR.DA, DicomVR.DS, DicomVR.DT, DicomVR.IS, DicomVR.LO, DicomVR.PN, DicomVR.SH, DicomVR.TM, DicomVR.UC, DicomVR.UI })
        {
            Flags[(int)vr] |= 4;
        }

        foreach (var vr in new[] { DicomVR.AE, DicomVR.CS, DicomVR.DS, DicomVR.IS, DicomVR.DA, DicomVR.TM, DicomVR.DT, DicomVR.SH, DicomVR.LO })
        {
            Flags[(int)vr] |= 8;
        }

        Units[(int)DicomVR.AT] = 2; // swapped as two 16-bit halves
        Units[(int)DicomVR.US] = 2;
        Units[(int)DicomVR.SS] = 2;
        Units[(int)DicomVR.OW] = 2;
        Units[(int)DicomVR.UL] = 4;
        Units[(int)DicomVR.SL] = 4;
        Units[(int)DicomVR.FL] = 4;
        Units[(int)DicomVR.OL] = 4;
        Units[(int)DicomVR.OF] = 4;
        Units[(int)DicomVR.FD] = 8;
        Units[(int)DicomVR.OD] = 8;
        Units[(int)DicomVR.OV] = 8;
        Units[(int)DicomVR.SV] = 8;
        Units[(int)DicomVR.UV] = 8;
    }

    /// <summary>True when explicit VR encoding uses 2 reserved bytes and a 32-bit length (OB, OW, SQ, UN, UT, ...).</summary>
    public static bool HasLongLength(DicomVR vr) => (Flags[(int)vr] & 1) != 0;

    /// <summary>True for character-string VRs (their bytes are text in the dataset's character set; UI and AS are ASCII).</summary>
    public static bool IsString(DicomVR vr) => (Flags[(int)vr] & 2) != 0;

    /// <summary>True for string VRs whose value multiplicity separator is the backslash (not LT, ST, UT, UR).</summary>
    public static bool IsMultiValuedString(DicomVR vr) => (Flags[(int)vr] & 4) != 0;

    /// <summary>True when leading spaces of each value are insignificant.</summary>
    public static bool LeadingSpacesInsignificant(DicomVR vr) => (Flags[(int)vr] & 8) != 0;

    /// <summary>Size of one binary value in bytes (0 for strings, OB, UN and SQ): the unit for byte swapping.</summary>
    public static int UnitSize(DicomVR vr) => Units[(int)vr];

    /// <summary>The byte that pads an odd-length value to even length: NUL for UI, OB and UN, a space for strings.</summary>
    public static byte PaddingByte(DicomVR vr) => vr == DicomVR.UI || !IsString(vr) ? (byte)0 : (byte)' ';

    /// <summary>True when the VR's text is decoded with the Specific Character Set (not for AE, AS, CS, DA, DS, DT, IS, TM, UI, UR: those are default repertoire).</summary>
    public static bool UsesSpecificCharacterSet(DicomVR vr) =>
        vr is DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UT;

    /// <summary>Parses the two ASCII characters of an explicit VR.</summary>
    public static bool TryParse(byte first, byte second, out DicomVR vr)
    {
        vr = default;
        if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z')
        {
            return false;
        }

        int code = (first << 8) | second;
        vr = code switch
        {
            ('A' << 8) | 'E' => DicomVR.AE,
            ('A' << 8) | 'S' => DicomVR.AS,
            ('A' << 8) | 'T' => DicomVR.AT,
            ('C' << 8) | 'S' => DicomVR.CS,
            ('D' << 8) | 'A' => DicomVR.DA,
            ('D' << 8) | 'S' => DicomVR.DS,
            ('D' << 8) | 'T' => DicomVR.DT,
            ('F' << 8) | 'L' => DicomVR.FL,
            ('F' << 8) | 'D' => DicomVR.FD,
            ('I' << 8) | 'S' => DicomVR.IS,
            ('L' << 8) | 'O' => DicomVR.LO,
            ('L' << 8) | 'T' => DicomVR.LT,
            ('O' << 8) | 'B' => DicomVR.OB,
            ('O' << 8) | 'D' => DicomVR.OD,
            ('O' << 8) | 'F' => DicomVR.OF,
            ('O' << 8) | 'L' => DicomVR.OL,
            ('O' << 8) | 'V' => DicomVR.OV,
            ('O' << 8) | 'W' => DicomVR.OW,
            ('P' << 8) | 'N' => DicomVR.PN,
            ('S' << 8) | 'H' => DicomVR.SH,
            ('S' << 8) | 'L' => DicomVR.SL,
            ('S' << 8) | 'Q' => DicomVR.SQ,
            ('S' << 8) | 'S' => DicomVR.SS,
            ('S' << 8) | 'T' => DicomVR.ST,
            ('S' << 8) | 'V' => DicomVR.SV,
            ('T' << 8) | 'M' => DicomVR.TM,
            ('U' << 8) | 'C' => DicomVR.UC,
            ('U' << 8) | 'I' => DicomVR.UI,
            ('U' << 8) | 'L' => DicomVR.UL,
            ('U' << 8) | 'N' => DicomVR.UN,
            ('U' << 8) | 'R' => DicomVR.UR,
            ('U' << 8) | 'S' => DicomVR.US,
            ('U' << 8) | 'T' => DicomVR.UT,
            ('U' << 8) | 'V' => DicomVR.UV,
            _ => (DicomVR)(-1),
        };
        return vr >= 0;
    }

    /// <summary>Parses a two-letter VR name.</summary>
    public static bool TryParse(string? text, out DicomVR vr)
    {
        vr = default;
        return text is { Length: 2 } && TryParse((byte)text[0], (byte)text[1], out vr);
    }
}
