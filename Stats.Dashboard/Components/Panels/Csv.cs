using System.Globalization;
using System.Text;
using Stats.Core.Reports;

namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// CSV as RFC 4180 writes it: comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote or a line
/// break (quotes doubled). Numbers and dates are written in the invariant culture (<c>1234</c>, <c>2026-01-31</c>), so a
/// spreadsheet in any locale reads the same numbers the screen shows. Text a spreadsheet would run as a formula is
/// neutralised (<see cref="SpreadsheetText"/>); numbers never are.
/// </summary>
public static class Csv
{
    public const string MediaType = "text/csv";

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var text = new StringBuilder();
        AppendLine(text, header);
        foreach (var row in rows)
        {
            AppendLine(text, [.. row.Select(Field)]);
        }

        return text.ToString();
    }

    /// <summary>One value as its CSV text (before quoting).</summary>
    public static string Field(object? value) => value switch
    {
        null => "",
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTime instant => instant.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => SpreadsheetText.Neutralise(value.ToString() ?? ""),
    };

    /// <summary>A file name from a title: lower case, letters and digits, dashes.</summary>
    public static string FileName(string title, string extension = "csv")
    {
        var name = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        return $"{name.ToString().Trim('-')}.{extension}";
    }

    private static void AppendLine(StringBuilder text, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(Quote(fields[i]));
        }

        text.Append("\r\n");
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
