using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HeCompute.Dicom.Deidentification;

/// <summary>
/// Shifts DA and DT values by a whole number of days (Retain Longitudinal Temporal Information with Modified Dates).
/// The offset is derived from the secret and a patient key, so every file of a patient moves by the same amount
/// and intervals are kept; times of day are unchanged.
/// </summary>
internal static class DateShifter
{
    private static readonly byte[] Domain = Encoding.UTF8.GetBytes("HeCompute.DateShift\0");

    /// <summary>An offset in [-maximumDays, -1] days.</summary>
    internal static int OffsetDays(ReadOnlySpan<byte> secret, string patientKey, int maximumDays)
    {
        if (maximumDays < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maximumDays), "The largest date shift must be at least one day.");
        }

        byte[] message = [.. Domain, .. Encoding.UTF8.GetBytes(patientKey)];
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, message, mac);
        ulong r = BinaryPrimitives.ReadUInt64BigEndian(mac);
        return -(int)(r % (ulong)maximumDays) - 1;
    }

    /// <summary>Shifts every value of a DA element ("YYYYMMDD", ranges "A-B", multiple values); null when a value is not a date.</summary>
    internal static string? ShiftDates(string value, int days) => ShiftEach(value, days, ShiftDate, allowRanges: true);

    /// <summary>Shifts every value of a DT element, keeping its precision and UTC offset suffix; null when a value is not a date-time.</summary>
    internal static string? ShiftDateTimes(string value, int days) => ShiftEach(value, days, ShiftDateTime, allowRanges: false);

    private static string? ShiftEach(string value, int days, Func<string, int, string?> shift, bool allowRanges)
    {
        string[] values = value.Split('\\');
        for (int i = 0; i < values.Length; i++)
        {
            string v = values[i].Trim(' ', '\0');
            if (v.Length == 0)
            {
                values[i] = v;
                continue;
            }

            int dash = allowRanges ? v.IndexOf('-', StringComparison.Ordinal) : -1;
            if (dash >= 0)
            {
                string? a = dash == 0 ? string.Empty : shift(v[..dash], days);
                string? b = dash == v.Length - 1 ? string.Empty : shift(v[(dash + 1)..], days);
                if (a is null || b is null)
                {
                    return null;
                }

                values[i] = a + "-" + b;
                continue;
            }

            string? shifted = shift(v, days);
            if (shifted is null)
            {
                return null;
            }

            values[i] = shifted;
        }

        return string.Join('\\', values);
    }

    private static string? ShiftDate(string v, int days)
    {
        if (v.Length == 10 && v[4] == '.' && v[7] == '.')
        {
            v = string.Concat(v.AsSpan(0, 4), v.AsSpan(5, 2), v.AsSpan(8, 2)); // ACR-NEMA YYYY.MM.DD
        }

        if (v.Length != 8 || !DateTime.TryParseExact(v, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return null;
        }

        return AddDays(d, days)?.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    }

    private static string? ShiftDateTime(string v, int days)
    {
        // YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]
        int sign = Math.Max(v.IndexOf('+', StringComparison.Ordinal), v.IndexOf('-', StringComparison.Ordinal));
        string suffix = sign > 0 ? v[sign..] : string.Empty;
        string main = sign > 0 ? v[..sign] : v;
        if (main.Length < 4 || !main[..Math.Min(main.Length, 14)].All(char.IsAsciiDigit))
        {
            return null;
        }

        int year = Parse(main, 0, 4);
        int month = main.Length >= 6 ? Parse(main, 4, 2) : 1;
        int day = main.Length >= 8 ? Parse(main, 6, 2) : 1;
        if (month is < 1 or > 12 || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var shifted = AddDays(new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified), days);
        if (shifted is null)
        {
            return null;
        }

        string date = shifted.Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        int keep = Math.Min(main.Length, 8);
        return date[..keep] + main[keep..] + suffix;
    }

    private static DateTime? AddDays(DateTime d, int days)
    {
        try
        {
            var r = d.AddDays(days);
            return r.Year < 1 ? null : r;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static int Parse(string s, int start, int length) =>
        int.Parse(s.AsSpan(start, length), NumberStyles.None, CultureInfo.InvariantCulture);
}
