using System.Globalization;

namespace Stats.Core.Counting;

/// <summary>
/// The COUNTER R5.1 identities, in one place: who is "the same user" for double-clicks, and which
/// session a request belongs to for Unique counts (docs/domain/counting.md#the-same-user-and-the-session).
/// </summary>
public static class CounterIdentity
{
    /// <summary>
    /// The best available user identity: logged-in user id, else session id, else IP address + user agent.
    /// Null when none is known.
    /// </summary>
    public static string? VisitorKey(string? userId, string? sessionId, string? ipAddress, string? userAgent)
    {
        if (!string.IsNullOrEmpty(userId))
        {
            return "u|" + userId;
        }

        if (!string.IsNullOrEmpty(sessionId))
        {
            return "s|" + sessionId;
        }

        return string.IsNullOrEmpty(ipAddress) ? null : "a|" + ipAddress + "|" + userAgent;
    }

    /// <summary>
    /// The COUNTER session: session id + date; else user id + date + hour; else IP + user agent + date + hour.
    /// A session never spans two UTC days, which is what makes daily unique counts add up over any range.
    /// </summary>
    public static string? SessionKey(string? userId, string? sessionId, string? ipAddress, string? userAgent, DateTime timestampUtc)
    {
        var date = timestampUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var hour = timestampUtc.Hour.ToString("00", CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(sessionId))
        {
            return sessionId + "|" + date;
        }

        if (!string.IsNullOrEmpty(userId))
        {
            return userId + "|" + date + "|" + hour;
        }

        return string.IsNullOrEmpty(ipAddress) ? null : ipAddress + "|" + userAgent + "|" + date + "|" + hour;
    }

    /// <summary>
    /// The visitor of an event anonymised at its source: its visitor id, else its session id (invenio-stats' ids live
    /// a day and an hour of a day). Prefixed apart from <see cref="VisitorKey"/> so the two kinds never meet.
    /// </summary>
    public static string? AnonymisedVisitorKey(string? visitorId, string? sessionId)
    {
        if (!string.IsNullOrEmpty(visitorId))
        {
            return "v|" + visitorId;
        }

        return string.IsNullOrEmpty(sessionId) ? null : "vs|" + sessionId;
    }

    /// <summary>The COUNTER session of an event anonymised at its source: its session id and date, as for <see cref="SessionKey"/>.</summary>
    public static string? AnonymisedSessionKey(string? sessionId, DateTime timestampUtc) =>
        string.IsNullOrEmpty(sessionId) ? null : "is|" + sessionId + "|" + timestampUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
