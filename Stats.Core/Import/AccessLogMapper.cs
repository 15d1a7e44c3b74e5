using Stats.Core.Events;
using Stats.Core.Ingestion;

namespace Stats.Core.Import;

/// <summary>What became of one access-log request: an event, a reason to skip it, or why the line is bad.</summary>
public readonly record struct LogMapping(IncomingEvent? Event, string? SkipReason, string? Error)
{
    public static LogMapping Skip(string reason) => new(null, reason, null);
}

/// <summary>
/// Turns access-log requests into the events a repository would have sent: only successful GET and HEAD requests
/// count (COUNTER: 200 and 304; a 206 range request is not one), and only URLs that match a route.
/// </summary>
public sealed class AccessLogMapper(RouteTable routes)
{
    public LogMapping Map(AccessLogEntry entry, string id)
    {
        if (entry.Status is not (200 or 304))
        {
            return LogMapping.Skip($"status {entry.Status}");
        }

        if (entry.Method is null || entry.Target is null)
        {
            return new LogMapping(null, null, "the request is not 'METHOD /path PROTOCOL'");
        }

        if (entry.Method is not ("GET" or "HEAD"))
        {
            // Methods are client-chosen text: a long invented one is not worth a line of its own in the summary.
            return LogMapping.Skip(entry.Method.Length <= 10 ? $"method {entry.Method}" : "method (other)");
        }

        var query = entry.Target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? entry.Target : entry.Target[..query];
        if (routes.Match(path) is not { } match)
        {
            return LogMapping.Skip("no route");
        }

        var download = match.Type == EventCatalog.FileDownload;
        return new LogMapping(
            new IncomingEvent
            {
                Type = match.Type,
                Timestamp = entry.Timestamp.ToUniversalTime(),
                Id = id,
                UserId = entry.User,
                IpAddress = entry.Client,
                UserAgent = entry.UserAgent,
                Referrer = entry.Referrer,
                Recid = match.Value("recid"),
                ParentRecid = match.Value("parent_recid"),
                FileKey = match.Value("file_key"),
                Community = match.Value("community"),
                DocumentId = match.Value("document_id"),
                Size = download ? entry.Size : null,
                IsPreview = download && (match.Preview || (query >= 0 && IsPreviewQuery(entry.Target.AsSpan(query + 1)))),
            },
            null,
            null);
    }

    /// <summary><c>preview=1</c> (or any value but 0 and false) among the query parameters; <c>download=1</c> is a download like any other.</summary>
    private static bool IsPreviewQuery(ReadOnlySpan<char> query)
    {
        foreach (var range in query.Split('&'))
        {
            var parameter = query[range];
            var equals = parameter.IndexOf('=');
            var name = equals < 0 ? parameter : parameter[..equals];
            if (!name.Equals("preview", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = equals < 0 ? [] : parameter[(equals + 1)..];
            return !(value is "0" || value.Equals("false", StringComparison.OrdinalIgnoreCase));
        }

        return false;
    }
}
