using System.Globalization;
using System.Text;

namespace HeCompute.Features;

/// <summary>The canonical text forms used by schemas: numbers, JSON strings, and validation of names and units.</summary>
internal static class SchemaText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The shortest text that parses back to exactly <paramref name="value"/> ("R", invariant culture), with −0 written
    /// as 0 and the infinities as <c>inf</c>/<c>-inf</c> (never written into JSON numbers).
    /// </summary>
    public static string Number(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-inf";
        }

        if (value == 0)
        {
            return "0";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Appends a JSON string literal: only <c>"</c>, <c>\</c> and control characters are escaped.</summary>
    public static void AppendJsonString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Throws unless <paramref name="text"/> is non-empty, at most 4096 characters and valid UTF-16.</summary>
    public static void ValidateText(string? text, string what, bool allowEmpty = false)
    {
        if (text is null)
        {
            throw new ArgumentNullException(what);
        }

        if ((!allowEmpty && text.Length == 0) || text.Length > 4096)
        {
            throw new ArgumentException($"The {what} must have 1 … 4096 characters.", what);
        }

        try
        {
            _ = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"The {what} is not valid Unicode text (unpaired surrogate).", what, e);
        }
    }

    /// <summary>Throws unless a name is non-empty and free of control characters and surrounding spaces.</summary>
    public static void ValidateName(string? name, string what)
    {
        ValidateText(name, what);
        foreach (char c in name!)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"The {what} '{name}' contains a control character.", what);
            }
        }

        if (name.Trim().Length != name.Length)
        {
            throw new ArgumentException($"The {what} '{name}' has leading or trailing white space.", what);
        }
    }
}
