using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>
/// A day of raw events straight through SQLite's C API: the aggregator reads every event of every day, and
/// Microsoft.Data.Sqlite's reader parses each timestamp with <see cref="DateTime.Parse(string)"/> and allocates a
/// string per country. Here the timestamp text is parsed in place and the country codes are interned.
/// </summary>
internal static class SqliteDayReader
{
    public static List<DayEvent> Read(SqliteConnection connection, string sql, DateTime from, DateTime to)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(handle, sql.Replace("@from", "?1", StringComparison.Ordinal).Replace("@to", "?2", StringComparison.Ordinal), out var statement);
        SqliteException.ThrowExceptionForRC(rc, handle);
        using (statement)
        {
            // The text EF Core and Microsoft.Data.Sqlite write for a DateTime, so that the comparison is the stored one.
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(statement, 1, Text(from)), handle);
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(statement, 2, Text(to)), handle);
            var countries = new Dictionary<int, string>();
            var events = new List<DayEvent>();
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                events.Add(new DayEvent(
                    (short)raw.sqlite3_column_int(statement, 0),
                    ParseTimestamp(raw.sqlite3_column_blob(statement, 1)),
                    NullableInt(statement, 2),
                    NullableInt(statement, 3),
                    NullableInt(statement, 4),
                    NullableInt(statement, 5),
                    NullableInt(statement, 6),
                    Country(statement, 7, countries),
                    (EventTraits)raw.sqlite3_column_int(statement, 8),
                    NullableLong(statement, 9),
                    NullableLong(statement, 10),
                    NullableLong(statement, 11),
                    NullableInt(statement, 12),
                    NullableInt(statement, 13)));
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, handle);
            }

            return events;
        }
    }

    /// <summary>Parses "yyyy-MM-dd HH:mm:ss[.fffffff]" (UTC) without allocating; anything else goes through the framework's parser.</summary>
    internal static DateTime ParseTimestamp(ReadOnlySpan<byte> text)
    {
        if (text.Length >= 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' && text[16] == ':' &&
            TryDigits(text[..4], out var year) && TryDigits(text[5..7], out var month) && TryDigits(text[8..10], out var day) &&
            TryDigits(text[11..13], out var hour) && TryDigits(text[14..16], out var minute) && TryDigits(text[17..19], out var second))
        {
            var ticks = 0L;
            if (text.Length > 19)
            {
                var fraction = text[20..];
                if (text[19] != '.' || fraction.Length is 0 or > 7 || !TryDigits(fraction, out var digits))
                {
                    return Fallback(text);
                }

                ticks = digits * (long)Math.Pow(10, 7 - fraction.Length);
            }

            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        }

        return Fallback(text);
    }

    private static DateTime Fallback(ReadOnlySpan<byte> text) =>
        DateTime.Parse(System.Text.Encoding.UTF8.GetString(text), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    private static string Text(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static int? NullableInt(sqlite3_stmt statement, int column) =>
        raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int(statement, column);

    private static long? NullableLong(sqlite3_stmt statement, int column) =>
        raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(statement, column);

    private static string? Country(sqlite3_stmt statement, int column, Dictionary<int, string> interned)
    {
        if (raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL)
        {
            return null;
        }

        var code = raw.sqlite3_column_blob(statement, column);
        if (code.Length != 2)
        {
            return System.Text.Encoding.UTF8.GetString(code);
        }

        var key = (code[0] << 8) | code[1];
        if (!interned.TryGetValue(key, out var country))
        {
            country = System.Text.Encoding.ASCII.GetString(code);
            interned[key] = country;
        }

        return country;
    }
}
