using System.Globalization;

namespace HeCompute.Dicom;

/// <summary>DA, TM and DT values (PS3.5 Table 6.2-1).</summary>
internal static class DicomDateTime
{
    internal static DateTime ParseDateTime(DicomVR vr, string text, DicomTag tag)
    {
        string s = text.Trim();
        DateTime? result = vr switch
        {
            DicomVR.DA => ParseDate(s),
            DicomVR.TM => ParseTime(s) is { } t ? DateTime.MinValue.Date + t : null,
            DicomVR.DT => ParseDT(s),
            _ => null,
        };
        return result ?? throw new DicomDataException($"'{text}' in {tag} ({vr}) is not a valid date/time.");
    }

    private static DateTime? ParseDate(string s)
    {
        if (s.Length == 10 && s[4] == '.' && s[7] == '.')
        {
            s = string.Concat(s.AsSpan(0, 4), s.AsSpan(5, 2), s.AsSpan(8, 2)); // ACR-NEMA "YYYY.MM.DD"
        }

        return s.Length == 8 && DateTime.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    private static TimeSpan? ParseTime(string s)
    {
        if (s.Contains(':', StringComparison.Ordinal))
        {
            s = s.Replace(":", string.Empty, StringComparison.Ordinal); // ACR-NEMA "HH:MM:SS"
        }

        var c = CultureInfo.InvariantCulture;
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        string main = dot >= 0 ? s[..dot] : s;
        string fraction = dot >= 0 ? s[(dot + 1)..] : string.Empty;
        if (main.Length is not (2 or 4 or 6) || !main.All(char.IsAsciiDigit) || fraction.Length > 6 || !fraction.All(char.IsAsciiDigit))
        {
            return null;
        }

        int h = int.Parse(main.AsSpan(0, 2), c);
        int m = main.Length >= 4 ? int.Parse(main.AsSpan(2, 2), c) : 0;
        int sec = main.Length >= 6 ? int.Parse(main.AsSpan(4, 2), c) : 0;
        if (sec == 60)
        {
            sec = 59; // leap second
        }

        long ticks = fraction.Length > 0 ? long.Parse(fraction.PadRight(7, '0'), c) : 0;
        if (h > 23 || m > 59 || sec > 59)
        {
            return null;
        }

        return new TimeSpan(h, m, sec) + TimeSpan.FromTicks(ticks);
    }

    private static DateTime? ParseDT(string s)
    {
        int sign = s.IndexOfAny(['+', '-'], 4);
        string main = sign >= 0 ? s[..sign] : s; // the UTC offset is ignored: the result is the local date and time as written
        if (main.Length < 4 || !main[..Math.Min(main.Length, 14)].All(char.IsAsciiDigit))
        {
            return null;
        }

        var c = CultureInfo.InvariantCulture;
        int year = int.Parse(main.AsSpan(0, 4), c);
        int month = main.Length >= 6 ? int.Parse(main.AsSpan(4, 2), c) : 1;
        int day = main.Length >= 8 ? int.Parse(main.AsSpan(6, 2), c) : 1;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
        if (main.Length <= 8)
        {
            return main.Length is 4 or 6 or 8 ? date : null;
        }

        var time = ParseTime(main[8..]);
        return time is { } t ? date + t : null;
    }

    internal static string Format(DicomVR vr, DateTime value)
    {
        var c = CultureInfo.InvariantCulture;
        return vr switch
        {
            DicomVR.DA => value.ToString("yyyyMMdd", c),
            DicomVR.TM => value.Ticks % TimeSpan.TicksPerSecond == 0 ? value.ToString("HHmmss", c) : value.ToString("HHmmss.ffffff", c),
            DicomVR.DT => value.Ticks % TimeSpan.TicksPerSecond == 0 ? value.ToString("yyyyMMddHHmmss", c) : value.ToString("yyyyMMddHHmmss.ffffff", c),
            _ => value.ToString("yyyyMMddHHmmss", c),
        };
    }
}
