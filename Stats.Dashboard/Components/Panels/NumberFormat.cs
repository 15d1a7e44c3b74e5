using System.Globalization;

namespace Stats.Dashboard.Components.Panels;

/// <summary>What a number is: a count, bytes, or a duration in seconds.</summary>
public enum NumberUnit
{
    Count,
    Bytes,
    Seconds,

    /// <summary>A difference of counts, signed ("+12", "−3").</summary>
    Change,

    /// <summary>A percentage, signed, to one decimal ("+12.5 %").</summary>
    Percent,

    /// <summary>A difference of byte counts, signed, in decimal units ("+1.5 MB").</summary>
    BytesChange,
}

/// <summary>How the panels write numbers on screen; CSV exports write the plain integer (<see cref="Csv"/>).</summary>
public static class NumberFormat
{
    private static readonly string[] s_byteUnits = ["B", "kB", "MB", "GB", "TB", "PB"];

    public static string Format(long value, NumberUnit unit) => unit switch
    {
        NumberUnit.Bytes => Bytes(value),
        NumberUnit.Seconds => Duration(value),
        NumberUnit.Change => SignedCount(value),
        NumberUnit.BytesChange => SignedBytes(value),
        NumberUnit.Percent => Percent(value),
        _ => Count(value),
    };

    /// <summary>A change with its sign: a fall reads as one ("−3", with a minus sign), no change as "0".</summary>
    public static string SignedCount(long value) => value switch
    {
        > 0 => "+" + Count(value),
        < 0 => "\u2212" + Count(-value),
        _ => "0",
    };

    /// <summary>A change of bytes with its sign, as <see cref="SignedCount"/> writes a change of counts.</summary>
    public static string SignedBytes(long value) => value switch
    {
        > 0 => "+" + Bytes(value),
        < 0 => "\u2212" + Bytes(-value),
        _ => "0 B",
    };

    /// <summary>A percentage with its sign, to one decimal.</summary>
    public static string Percent(double value) => value switch
    {
        > 0 => $"+{value.ToString("#,0.0", CultureInfo.InvariantCulture)} %",
        < 0 => $"\u2212{(-value).ToString("#,0.0", CultureInfo.InvariantCulture)} %",
        _ => "0 %",
    };

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

    /// <summary>A duration in its two largest units ("5 h 42 min", "3 d 4 h", "95 s"): a delay of 20,544 seconds means nothing at a glance.</summary>
    public static string Duration(long seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Abs(seconds));
        var sign = seconds < 0 ? "-" : "";
        return time.TotalDays >= 1 ? $"{sign}{(long)time.TotalDays} d {time.Hours} h"
            : time.TotalHours >= 1 ? $"{sign}{time.Hours} h {time.Minutes} min"
            : time.TotalMinutes >= 1 ? $"{sign}{time.Minutes} min {time.Seconds} s"
            : $"{sign}{time.Seconds} s";
    }
}
