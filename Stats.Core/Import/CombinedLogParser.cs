using System.Buffers;
using System.Globalization;
using System.Text;

namespace Stats.Core.Import;

/// <summary>
/// One request of an access log in the NCSA combined format (<c>%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"</c>),
/// or the common format without the last two fields.
/// </summary>
public sealed record AccessLogEntry(
    string Client,
    string? User,
    DateTimeOffset Timestamp,
    string? Method,
    string? Target,
    int Status,
    long? Size,
    string? Referrer,
    string? UserAgent);

/// <summary>
/// Parses Apache and nginx access-log lines. Quoted fields may hold spaces and escaped quotes (<c>\"</c>, and nginx's
/// <c>\x22</c>); fields after the user agent (nginx's forwarded-for, response times) are ignored. Error messages
/// describe what is wrong without quoting the line, which holds the client's address and user agent.
/// </summary>
public static class CombinedLogParser
{
    private static readonly string[] s_months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Parses a line; false with a reason when it is not in the combined or common format.</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out AccessLogEntry? entry, out string? error)
    {
        entry = null;
        error = Parse(line, ref entry);
        return error is null;
    }

    private static string? Parse(ReadOnlySpan<char> rest, ref AccessLogEntry? entry)
    {
        rest = rest.Trim();
        if (rest.IsEmpty)
        {
            return "the line is empty";
        }

        var client = NextToken(ref rest);
        NextToken(ref rest);
        var user = NextToken(ref rest);
        if (client.IsEmpty || rest.IsEmpty)
        {
            return "the line ends before the timestamp";
        }

        if (rest[0] != '[' || rest.IndexOf(']') is var close && close < 0)
        {
            return "no [timestamp] after the client, identity and user";
        }

        if (ParseTimestamp(rest[1..close]) is not { } timestamp)
        {
            return "the timestamp is not dd/MMM/yyyy:HH:mm:ss ±hhmm";
        }

        rest = rest[(close + 1)..].TrimStart(' ');
        if (!TryQuoted(ref rest, out var request))
        {
            return "no quoted request after the timestamp";
        }

        var statusText = NextToken(ref rest);
        if (statusText.Length != 3 || !int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 100)
        {
            return "no three-digit status after the request";
        }

        var sizeText = NextToken(ref rest);
        long? size = null;
        if (sizeText is not "-")
        {
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
            {
                return "the size is neither a number nor '-'";
            }

            size = bytes;
        }

        string? referrer = null;
        string? userAgent = null;
        if (!rest.IsEmpty)
        {
            if (!TryQuoted(ref rest, out referrer) || !TryQuoted(ref rest, out userAgent))
            {
                return "the referrer and user agent are not two quoted fields";
            }
        }

        var (method, target) = SplitRequest(request!);
        entry = new AccessLogEntry(
            client.ToString(),
            user is "-" ? null : user.ToString(),
            timestamp,
            method,
            target,
            status,
            size,
            referrer is "-" or "" ? null : referrer,
            userAgent is "-" or "" ? null : userAgent);
        return null;
    }

    /// <summary><c>10/Oct/2000:13:55:36 -0700</c>, to the instant it names (its offset kept: callers take UtcDateTime).</summary>
    internal static DateTimeOffset? ParseTimestamp(ReadOnlySpan<char> text)
    {
        // dd/MMM/yyyy:HH:mm:ss +hhmm is 26 characters, fixed width.
        if (text.Length != 26 || text[2] != '/' || text[6] != '/' || text[11] != ':' || text[14] != ':' || text[17] != ':' ||
            text[20] != ' ' || text[21] is not ('+' or '-'))
        {
            return null;
        }

        var month = MonthOf(text.Slice(3, 3));
        if (month == 0 || !Digits(text[..2], out var day) || !Digits(text.Slice(7, 4), out var year) || !Digits(text.Slice(12, 2), out var hour) ||
            !Digits(text.Slice(15, 2), out var minute) || !Digits(text.Slice(18, 2), out var second) ||
            !Digits(text.Slice(22, 2), out var offsetHours) || !Digits(text.Slice(24, 2), out var offsetMinutes))
        {
            return null;
        }

        if (year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60 ||
            offsetHours > 14 || offsetMinutes > 59)
        {
            return null;
        }

        var offset = new TimeSpan(offsetHours, offsetMinutes, 0);
        // A leap second (:60) is the last instant of its minute.
        return new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), text[21] == '-' ? -offset : offset);
    }

    private static int MonthOf(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < s_months.Length; i++)
        {
            if (name.Equals(s_months[i], StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>The text up to the next space, and the rest after the spaces that follow it.</summary>
    private static ReadOnlySpan<char> NextToken(ref ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOf(' ');
        var token = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[end..].TrimStart(' ');
        return token;
    }

    /// <summary>A double-quoted field with backslash escapes; the rest starts after the spaces that follow it.</summary>
    private static bool TryQuoted(ref ReadOnlySpan<char> rest, out string? value)
    {
        value = null;
        if (rest.IsEmpty || rest[0] != '"')
        {
            return false;
        }

        var escaped = false;
        for (var i = 1; i < rest.Length; i++)
        {
            if (rest[i] == '\\' && i + 1 < rest.Length)
            {
                escaped = true;
                i++;
            }
            else if (rest[i] == '"')
            {
                var inner = rest[1..i];
                value = escaped ? Unescape(inner) : inner.ToString();
                rest = rest[(i + 1)..].TrimStart(' ');
                return true;
            }
        }

        return false;
    }

    /// <summary>Undoes Apache's and nginx's escapes: <c>\"</c>, <c>\\</c>, and <c>\xHH</c> bytes (UTF-8 when decoded together).</summary>
    private static string Unescape(ReadOnlySpan<char> text)
    {
        var bytes = new ArrayBufferWriter<byte>(text.Length + 16);
        while (!text.IsEmpty)
        {
            var slash = text.IndexOf('\\');
            var run = slash < 0 ? text : text[..slash];
            if (!run.IsEmpty)
            {
                bytes.Advance(Encoding.UTF8.GetBytes(run, bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(run.Length))));
            }

            if (slash < 0)
            {
                break;
            }

            text = text[slash..];
            if (text.Length >= 4 && text[1] == 'x' &&
                byte.TryParse(text.Slice(2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Write([b]);
                text = text[4..];
            }
            else if (text.Length >= 2 && text[1] is '"' or '\\')
            {
                bytes.Write([(byte)text[1]]);
                text = text[2..];
            }
            else
            {
                bytes.Write("\\"u8);
                text = text[1..];
            }
        }

        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    /// <summary><c>GET /path?query HTTP/1.1</c> to its method and target; nulls for a request line that is not one (<c>-</c>, TLS bytes).</summary>
    private static (string? Method, string? Target) SplitRequest(string request)
    {
        var parts = request.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3 || !parts[0].All(char.IsAsciiLetterUpper))
        {
            return (null, null);
        }

        var target = parts[1];
        // A request through a proxy names the whole URL: keep its path.
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var pathStart = target.IndexOf('/', target.IndexOf("//", StringComparison.Ordinal) + 2);
            target = pathStart < 0 ? "/" : target[pathStart..];
        }

        return (parts[0], target);
    }
}
