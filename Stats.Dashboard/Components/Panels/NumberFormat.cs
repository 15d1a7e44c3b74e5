using System.Globalization;

namespace Stats.Dashboard.Components.Panels;

/// <summary>What a number is: a count, or bytes.</summary>
public enum NumberUnit
{
    Count,
    Bytes,
}

/// <summary>How the panels write numbers on screen; CSV exports write the plain integer (<see cref="Csv"/>).</summary>
public static class NumberFormat
{
    private static readonly string[] s_byteUnits = ["B", "kB", "MB", "GB", "TB", "PB"];

    public static string Format(long value, NumberUnit unit) => unit == NumberUnit.Bytes ? Bytes(value) : Count(value);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Decimal units (1 kB = 1000 B), as COUNTER's data volume and most browsers count.</summary>
    public static string Bytes(long value)
    {
        double size = value;
        var unit = 0;
        while (Math.Abs(size) >= 1000 && unit < s_byteUnits.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        return unit == 0
            ? $"{value.ToString("N0", CultureInfo.InvariantCulture)} B"
            : $"{size.ToString("0.0", CultureInfo.InvariantCulture)} {s_byteUnits[unit]}";
    }
}
