using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace HeCompute.Dicom;

/// <summary>Decoding and encoding of element values (PS3.5 section 6.2).</summary>
internal static class DicomValueConverter
{
    internal static string[] GetCharsetTerms(DicomElement element)
    {
        // Specific Character Set is CS: default repertoire, backslash-separated; an empty first value means the default.
        string text = Encoding.Latin1.GetString(element.RawValue.Span);
        string[] terms = text.Split('\\');
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = terms[i].Trim(' ', '\0');
        }

        return terms.Length == 1 && terms[0].Length == 0 ? [] : terms;
    }

    internal static string DecodeText(DicomElement element, Encoding encoding)
    {
        var bytes = element.RawValue.Span;
        if (!DicomVRInfo.UsesSpecificCharacterSet(element.VR))
        {
            return Encoding.Latin1.GetString(bytes);
        }

        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DicomDataException($"{element.Tag} {element.VR} cannot be decoded with the Specific Character Set ({encoding.WebName}): {ex.Message}", ex);
        }
    }

    internal static string GetString(DicomElement element, Encoding encoding)
    {
        if (DicomVRInfo.IsString(element.VR))
        {
            return DecodeText(element, encoding).TrimEnd(' ', '\0');
        }

        return string.Join('\\', Convert<string>(element, encoding));
    }

    internal static string[] GetStrings(DicomElement element, Encoding encoding)
    {
        var vr = element.VR;
        if (!DicomVRInfo.IsString(vr))
        {
            return FormatBinary(element);
        }

        if (element.Length == 0)
        {
            return [];
        }

        string text = DecodeText(element, encoding);
        string[] values = DicomVRInfo.IsMultiValuedString(vr) ? text.Split('\\') : [text];
        bool trimLeading = DicomVRInfo.LeadingSpacesInsignificant(vr);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = trimLeading ? values[i].Trim(' ', '\0') : values[i].TrimEnd(' ', '\0');
        }

        if (values.Length == 1 && values[0].Length == 0 && !DicomVRInfo.IsMultiValuedString(vr))
        {
            return [];
        }

        return values;
    }

    private static string[] FormatBinary(DicomElement element)
    {
        var span = element.RawValue.Span;
        var c = CultureInfo.InvariantCulture;
        switch (element.VR)
        {
            case DicomVR.AT:
                return [.. ReadTags(span).Select(t => t.ToString())];
            case DicomVR.FL:
            case DicomVR.OF:
                return [.. ReadAll<float>(span).Select(v => v.ToString("R", c))];
            case DicomVR.FD:
            case DicomVR.OD:
                return [.. ReadAll<double>(span).Select(v => v.ToString("R", c))];
            case DicomVR.SQ:
                throw new DicomDataException($"{element.Tag} is a sequence.");
            default:
                return [.. ReadIntegers(element.VR, span).Select(v => v.ToString(c))];
        }
    }

    internal static DicomTag[] ReadTags(ReadOnlySpan<byte> span)
    {
        var tags = new DicomTag[span.Length / 4];
        for (int i = 0; i < tags.Length; i++)
        {
            tags[i] = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(span[(4 * i)..]), BinaryPrimitives.ReadUInt16LittleEndian(span[(4 * i + 2)..]));
        }

        return tags;
    }

    private static T[] ReadAll<T>(ReadOnlySpan<byte> span)
        where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        var bytes = span[..(span.Length - (span.Length % size))];
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray(); // values are little-endian; the library requires a little-endian host
    }

    /// <summary>Binary integer VRs as Int128 (every 64-bit value fits, signed or not).</summary>
    private static Int128[] ReadIntegers(DicomVR vr, ReadOnlySpan<byte> span)
    {
        return vr switch
        {
            DicomVR.US or DicomVR.OW => [.. ReadAll<ushort>(span).Select(v => (Int128)v)],
            DicomVR.SS => [.. ReadAll<short>(span).Select(v => (Int128)v)],
            DicomVR.UL or DicomVR.OL => [.. ReadAll<uint>(span).Select(v => (Int128)v)],
            DicomVR.SL => [.. ReadAll<int>(span).Select(v => (Int128)v)],
            DicomVR.SV => [.. ReadAll<long>(span).Select(v => (Int128)v)],
            DicomVR.UV or DicomVR.OV => [.. ReadAll<ulong>(span).Select(v => (Int128)v)],
            _ => [.. span.ToArray().Select(v => (Int128)v)], // OB, UN
        };
    }

    internal static T[] Convert<T>(DicomElement element, Encoding encoding)
    {
        if (element.VR == DicomVR.SQ)
        {
            throw new DicomDataException($"{element.Tag} is a sequence.");
        }

        object result;
        if (typeof(T) == typeof(string))
        {
            result = GetStrings(element, encoding);
        }
        else if (typeof(T) == typeof(DicomTag))
        {
            result = element.VR == DicomVR.AT
                ? ReadTags(element.RawValue.Span)
                : GetStrings(element, encoding).Select(ParseTag).ToArray();
        }
        else if (typeof(T) == typeof(DateTime))
        {
            result = GetStrings(element, encoding).Select(s => DicomDateTime.ParseDateTime(element.VR, s, element.Tag)).ToArray();
        }
        else if (typeof(T) == typeof(DateOnly))
        {
            result = GetStrings(element, encoding).Select(s => DateOnly.FromDateTime(DicomDateTime.ParseDateTime(element.VR, s, element.Tag))).ToArray();
        }
        else if (typeof(T) == typeof(TimeOnly))
        {
            result = GetStrings(element, encoding).Select(s => TimeOnly.FromDateTime(DicomDateTime.ParseDateTime(element.VR, s, element.Tag))).ToArray();
        }
        else if (typeof(T) == typeof(byte))
        {
            result = element.VR is DicomVR.OB or DicomVR.UN ? element.RawValue.ToArray() : Numbers<byte>(element, encoding);
        }
        else if (typeof(T) == typeof(sbyte)) { result = Numbers<sbyte>(element, encoding); }
        else if (typeof(T) == typeof(short)) { result = Numbers<short>(element, encoding); }
        else if (typeof(T) == typeof(ushort)) { result = Numbers<ushort>(element, encoding); }
        else if (typeof(T) == typeof(int)) { result = Numbers<int>(element, encoding); }
        else if (typeof(T) == typeof(uint)) { result = Numbers<uint>(element, encoding); }
        else if (typeof(T) == typeof(long)) { result = Numbers<long>(element, encoding); }
        else if (typeof(T) == typeof(ulong)) { result = Numbers<ulong>(element, encoding); }
        else if (typeof(T) == typeof(float)) { result = Numbers<float>(element, encoding); }
        else if (typeof(T) == typeof(double)) { result = Numbers<double>(element, encoding); }
        else if (typeof(T) == typeof(decimal)) { result = Numbers<decimal>(element, encoding); }
        else
        {
            throw new DicomDataException($"Values cannot be read as {typeof(T).Name}.");
        }

        return (T[])result;
    }

    private static DicomTag ParseTag(string text) =>
        DicomTag.TryParse(text, out var tag) ? tag : throw new DicomDataException($"'{text}' is not a tag.");

    private static TOut[] Numbers<TOut>(DicomElement element, Encoding encoding)
        where TOut : INumberBase<TOut>
    {
        var vr = element.VR;
        var span = element.RawValue.Span;
        try
        {
            switch (vr)
            {
                case DicomVR.FL:
                case DicomVR.OF:
                    return typeof(TOut) == typeof(float) ? (TOut[])(object)ReadAll<float>(span) : [.. ReadAll<float>(span).Select(v => FromFloating<TOut>(v))];
                case DicomVR.FD:
                case DicomVR.OD:
                    return typeof(TOut) == typeof(double) ? (TOut[])(object)ReadAll<double>(span) : [.. ReadAll<double>(span).Select(FromFloating<TOut>)];
                case DicomVR.US:
                case DicomVR.OW:
                    if (typeof(TOut) == typeof(ushort))
                    {
                        return (TOut[])(object)ReadAll<ushort>(span);
                    }

                    break;
                case DicomVR.SS:
                    if (typeof(TOut) == typeof(short))
                    {
                        return (TOut[])(object)ReadAll<short>(span);
                    }

                    break;
                case DicomVR.AT:
                    throw new DicomDataException($"{element.Tag} is AT; read it as DicomTag.");
            }

            if (DicomVRInfo.IsString(vr))
            {
                return [.. GetStrings(element, encoding).Select(s => ParseNumber<TOut>(s, element.Tag))];
            }

            return [.. ReadIntegers(vr, span).Select(TOut.CreateChecked)];
        }
        catch (OverflowException ex)
        {
            throw new DicomDataException($"A value of {element.Tag} ({vr}) does not fit in {typeof(TOut).Name}.", ex);
        }
    }

    private static TOut FromFloating<TOut>(double value)
        where TOut : INumberBase<TOut>
    {
        if (typeof(TOut) == typeof(float) || typeof(TOut) == typeof(double))
        {
            return TOut.CreateChecked(value);
        }

        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Round(value) != value)
        {
            throw new OverflowException($"{value} is not an integer.");
        }

        return TOut.CreateChecked(value);
    }

    private static TOut ParseNumber<TOut>(string text, DicomTag tag)
        where TOut : INumberBase<TOut>
    {
        var c = CultureInfo.InvariantCulture;
        string s = text.Trim();
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, c, out long integer))
        {
            return TOut.CreateChecked(integer);
        }

        if (typeof(TOut) == typeof(decimal) && decimal.TryParse(s, NumberStyles.Float, c, out decimal dec))
        {
            return TOut.CreateChecked(dec);
        }

        if (double.TryParse(s, NumberStyles.Float, c, out double d))
        {
            return FromFloating<TOut>(d);
        }

        throw new DicomDataException($"'{text}' in {tag} is not a number.");
    }

    // ---- encoding ----

    internal static byte[] Encode(DicomVR vr, string[] values, Encoding encoding)
    {
        if (DicomVRInfo.IsString(vr))
        {
            string joined = DicomVRInfo.IsMultiValuedString(vr) ? string.Join('\\', values) : string.Concat(values);
            return encoding.GetBytes(joined);
        }

        var c = CultureInfo.InvariantCulture;
        return vr switch
        {
            DicomVR.FL or DicomVR.OF => EncodeAll(values.Select(v => float.Parse(v, NumberStyles.Float, c)).ToArray()),
            DicomVR.FD or DicomVR.OD => EncodeAll(values.Select(v => double.Parse(v, NumberStyles.Float, c)).ToArray()),
            DicomVR.AT => EncodeTags(values.Select(DicomTag.Parse).ToArray()),
            DicomVR.SQ => throw new ArgumentException("Use DicomSequence for SQ elements.", nameof(vr)),
            _ => EncodeIntegers(vr, values.Select(v => Int128.Parse(v, NumberStyles.AllowLeadingSign, c)).ToArray()),
        };
    }

    internal static byte[] Encode<T>(DicomVR vr, T[] values, Encoding encoding)
    {
        var c = CultureInfo.InvariantCulture;
        if (values is DicomTag[] tags)
        {
            return vr == DicomVR.AT ? EncodeTags(tags) : Encode(vr, tags.Select(t => $"{t.Group:X4}{t.Element:X4}").ToArray(), encoding);
        }

        if (DicomVRInfo.IsString(vr))
        {
            string[] texts = values.Select(v => v switch
            {
                DateTime dt => DicomDateTime.Format(vr, dt),
                DateOnly d => DicomDateTime.Format(vr, d.ToDateTime(TimeOnly.MinValue)),
                TimeOnly t => DicomDateTime.Format(vr, DateTime.MinValue.Date + t.ToTimeSpan()),
                double d when vr == DicomVR.DS => FormatDecimalString(d),
                float f when vr == DicomVR.DS => FormatDecimalString(f),
                IFormattable f => f.ToString(null, c),
                null => string.Empty,
                _ => v.ToString() ?? string.Empty,
            }).ToArray();
            return Encode(vr, texts, encoding);
        }

        switch (vr)
        {
            case DicomVR.FL:
            case DicomVR.OF:
                return EncodeAll(values.Select(v => System.Convert.ToSingle(v, c)).ToArray());
            case DicomVR.FD:
            case DicomVR.OD:
                return EncodeAll(values.Select(v => System.Convert.ToDouble(v, c)).ToArray());
            case DicomVR.AT:
                throw new ArgumentException("AT values must be DicomTag.", nameof(values));
            case DicomVR.SQ:
                throw new ArgumentException("Use DicomSequence for SQ elements.", nameof(vr));
        }

        if (values is byte[] raw && vr is DicomVR.OB or DicomVR.UN)
        {
            return (byte[])raw.Clone();
        }

        var integers = values.Select(v => v switch
        {
            byte b => b,
            sbyte sb => sb,
            short s => s,
            ushort us => us,
            int i => i,
            uint ui => ui,
            long l => l,
            ulong ul => (Int128)ul,
            float f when Math.Round(f) == f => (Int128)f,
            double d when Math.Round(d) == d => (Int128)d,
            decimal m when decimal.Round(m) == m => (Int128)m,
            _ => throw new ArgumentException($"{v} cannot be stored as {vr}.", nameof(values)),
        }).ToArray();
        return EncodeIntegers(vr, integers);
    }

    /// <summary>Formats a DS value in at most 16 characters (PS3.5 Table 6.2-1), keeping as many significant digits as fit.</summary>
    internal static string FormatDecimalString(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentException("DS cannot hold NaN or infinity.", nameof(value));
        }

        var c = CultureInfo.InvariantCulture;
        string shortest = value.ToString("R", c);
        if (shortest.Length <= 16)
        {
            return shortest;
        }

        for (int digits = 17; digits >= 1; digits--)
        {
            string general = value.ToString("G" + digits.ToString(c), c);
            if (general.Length <= 16)
            {
                return general;
            }

            string scientific = value.ToString("E" + (digits - 1).ToString(c), c);
            int e = scientific.IndexOf('E', StringComparison.Ordinal);
            int exponent = int.Parse(scientific.AsSpan(e + 1), NumberStyles.AllowLeadingSign, c);
            scientific = scientific[..e] + "E" + exponent.ToString(c);
            if (scientific.Length <= 16)
            {
                return scientific;
            }
        }

        return value.ToString("E0", c);
    }

    private static byte[] EncodeAll<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static byte[] EncodeTags(DicomTag[] tags)
    {
        var bytes = new byte[tags.Length * 4];
        for (int i = 0; i < tags.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4 * i), tags[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4 * i + 2), tags[i].Element);
        }

        return bytes;
    }

    private static byte[] EncodeIntegers(DicomVR vr, Int128[] values)
    {
        try
        {
            return vr switch
            {
                DicomVR.US or DicomVR.OW => EncodeAll(values.Select(v => checked((ushort)v)).ToArray()),
                DicomVR.SS => EncodeAll(values.Select(v => checked((short)v)).ToArray()),
                DicomVR.UL or DicomVR.OL => EncodeAll(values.Select(v => checked((uint)v)).ToArray()),
                DicomVR.SL => EncodeAll(values.Select(v => checked((int)v)).ToArray()),
                DicomVR.SV => EncodeAll(values.Select(v => checked((long)v)).ToArray()),
                DicomVR.UV or DicomVR.OV => EncodeAll(values.Select(v => checked((ulong)v)).ToArray()),
                DicomVR.OB or DicomVR.UN => values.Select(v => checked((byte)v)).ToArray(),
                _ => throw new ArgumentException($"{vr} does not hold integers.", nameof(vr)),
            };
        }
        catch (OverflowException ex)
        {
            throw new ArgumentException($"A value does not fit in {vr}.", nameof(values), ex);
        }
    }
}
