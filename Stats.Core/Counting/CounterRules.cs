using Stats.Core.Data;

namespace Stats.Core.Counting;

/// <summary>
/// One successful request of a record page (a view) or of one file (a download), as counting sees it: already
/// anonymised, the visitor and the COUNTER session reduced to salted hashes (see <see cref="CounterIdentity"/>).
/// </summary>
public readonly record struct UsageClick(
    DateTime Timestamp,
    int RecordId,
    int? FileId,
    long? Visitor,
    long? Session,
    EventTraits Traits,
    long Bytes = 0)
{
    /// <summary>A file download: a Request, and an Investigation too. Otherwise a view of the landing page.</summary>
    public bool IsDownload => FileId is not null;

    public AccessMethod AccessMethod => (Traits & EventTraits.Machine) != 0 ? AccessMethod.Machine : AccessMethod.Regular;
}

/// <summary>The COUNTER R5.1 metrics of one item.</summary>
public readonly record struct CounterMetrics(int TotalInvestigations, int UniqueInvestigations, int TotalRequests, int UniqueRequests, long Volume);

/// <summary>
/// The COUNTER R5.1 counting rules exactly as DOMAIN.md states them, in one place for every aggregation:
/// double-click removal, robots out, machines apart, investigations including requests, unique items per session.
/// </summary>
public static class CounterRules
{
    /// <summary>Two clicks at most this far apart (inclusive) are one action.</summary>
    public static readonly TimeSpan DoubleClickWindow = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a click at <paramref name="timestampUtc"/> can be the kept second click of a double-click whose first
    /// click fell on the previous UTC day: such a click changes the previous day's counts too.
    /// </summary>
    public static bool MayCloseDoubleClickOfPrecedingDay(DateTime timestampUtc) => timestampUtc.TimeOfDay <= DoubleClickWindow;

    /// <summary>The UTC days whose counts an event at <paramref name="timestampUtc"/> can change: its own, and the day before near midnight.</summary>
    public static IEnumerable<DateOnly> DaysAffectedBy(DateTime timestampUtc)
    {
        var day = DateOnly.FromDateTime(timestampUtc);
        yield return day;
        if (MayCloseDoubleClickOfPrecedingDay(timestampUtc))
        {
            yield return day.AddDays(-1);
        }
    }

    /// <summary>
    /// Removes double-clicks: of two clicks on the same URL (the record page, or one file) by the same user at most
    /// 30 seconds apart, the first is removed and the second kept; chains repeat the rule between consecutive clicks
    /// ({0, 20, 45} keeps 45 only). Clicks whose user is unknown are never merged. Fixed, epoch-aligned buckets (what
    /// invenio-stats does) would count {0:29, 0:31} as two: this is a sliding comparison of neighbours.
    /// </summary>
    public static IEnumerable<UsageClick> RemoveDoubleClicks(IEnumerable<UsageClick> clicks)
    {
        var known = new List<UsageClick>();
        foreach (var click in clicks)
        {
            if (click.Visitor is null)
            {
                yield return click;
            }
            else
            {
                known.Add(click);
            }
        }

        foreach (var sameUrlAndUser in known.GroupBy(c => (c.Visitor, c.RecordId, c.FileId)))
        {
            var ordered = sameUrlAndUser.OrderBy(c => c.Timestamp).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                if (i + 1 == ordered.Count || ordered[i + 1].Timestamp - ordered[i].Timestamp > DoubleClickWindow)
                {
                    yield return ordered[i];
                }
            }
        }
    }

    /// <summary>
    /// Counts clicks per record and access method: robots excluded, double-clicks removed, downloads counted as both
    /// Requests and Investigations, unique items once per (session, record). A click without a session is its own.
    /// </summary>
    public static IReadOnlyDictionary<(int RecordId, AccessMethod AccessMethod), CounterMetrics> Count(IEnumerable<UsageClick> clicks)
    {
        var kept = RemoveDoubleClicks(clicks.Where(c => (c.Traits & EventTraits.Robot) == 0));
        var result = new Dictionary<(int, AccessMethod), CounterMetrics>();
        foreach (var item in kept.GroupBy(c => (c.RecordId, c.AccessMethod)))
        {
            var clicksOfItem = item.ToList();
            var downloads = clicksOfItem.Where(c => c.IsDownload).ToList();
            result[item.Key] = new CounterMetrics(
                TotalInvestigations: clicksOfItem.Count,
                UniqueInvestigations: UniqueSessions(clicksOfItem),
                TotalRequests: downloads.Count,
                UniqueRequests: UniqueSessions(downloads),
                Volume: downloads.Sum(c => c.Bytes));
        }

        return result;
    }

    /// <summary>Distinct sessions among the clicks of one item; each click without a session is a session of its own.</summary>
    private static int UniqueSessions(List<UsageClick> clicks) =>
        clicks.Where(c => c.Session is not null).Select(c => c.Session).Distinct().Count() + clicks.Count(c => c.Session is null);
}
