using System.Globalization;

namespace HeCompute.Protocol.Models;

/// <summary>
/// The one range check for real-valued fields of a model document. Parsing reads 1e999 as +Infinity, and a document
/// holding one cannot be written back as JSON or encoded, so every number is judged here, naming its field.
/// </summary>
internal static class FieldChecks
{
    /// <summary>Throws unless <paramref name="value"/> is finite and within <see cref="ModelDocument.MaxMagnitude"/>.</summary>
    public static void Real(double value, string field)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > ModelDocument.MaxMagnitude)
        {
            throw new ModelFormatException(
                $"{field} is {value.ToString("R", CultureInfo.InvariantCulture)}; it must be finite and at most {ModelDocument.MaxMagnitude:G} in magnitude.");
        }
    }

    /// <summary>Applies <see cref="Real"/> to every entry, named <c>field[i]</c>.</summary>
    public static void Reals(IReadOnlyList<double>? values, string field)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            Real(values[i], $"{field}[{i}]");
        }
    }
}
