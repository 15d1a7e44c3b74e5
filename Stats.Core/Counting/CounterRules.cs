using System.Runtime.InteropServices;
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
    long Bytes = 0,
    string? Country = null)
{
    /// <summary>A file download: a Request, and an Investigation too. Otherwise a view of the landing page.</summary>
    public bool IsDownload => FileId is not null;

    public bool IsRobot => (Traits & EventTraits.Robot) != 0;

    public AccessMethod AccessMethod => (Traits & EventTraits.Machine) != 0 ? AccessMethod.Machine : AccessMethod.Regular;
}

/// <summary>The COUNTER R5.1 metrics of one item.</summary>
public readonly record struct CounterMetrics(int TotalInvestigations, int UniqueInvestigations, int TotalRequests, int UniqueRequests, long Volume);

/// <summary>
/// The COUNTER R5.1 counting rules exactly as docs/domain/counting.md states them, in one place for every aggregation:
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
        if (MayCloseDoubleClickOfPrecedingDay(timestampUtc) && day > DateOnly.MinValue)
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
    /// <param name="clicks">The clicks to count.</param>
    /// <param name="followers">
    /// Clicks that are not counted here but can still remove one of <paramref name="clicks"/>: the first seconds of the
    /// next day, so that a pair across midnight counts on the day of the kept click.
    /// </param>
    /// <returns>The kept clicks, in time order.</returns>
    public static List<UsageClick> RemoveDoubleClicks(IEnumerable<UsageClick> clicks, IEnumerable<UsageClick>? followers = null) =>
        RemoveDoubleClicks(clicks, static c => c, followers);

    /// <summary>
    /// <see cref="RemoveDoubleClicks(IEnumerable{UsageClick}, IEnumerable{UsageClick}?)"/> for items that carry more than
    /// the click (where the visitor came from): the same rule, the kept items returned whole.
    /// </summary>
    public static List<T> RemoveDoubleClicks<T>(IEnumerable<T> items, Func<T, UsageClick> clickOf, IEnumerable<UsageClick>? followers = null)
    {
        var ordered = items.ToArray();
        if (!IsInTimeOrder(ordered, clickOf))
        {
            // Equal times of one user and URL are a double-click whichever comes first, so any order of ties will do.
            Array.Sort(ordered, (a, b) => clickOf(a).Timestamp.CompareTo(clickOf(b).Timestamp));
        }

        var removed = new bool[ordered.Length];
        var latest = new Dictionary<(long Visitor, int RecordId, int FileId), int>();
        for (var i = 0; i < ordered.Length; i++)
        {
            Follow(clickOf(ordered[i]), i);
        }

        foreach (var follower in (followers ?? []).OrderBy(c => c.Timestamp))
        {
            Follow(follower, -1);
        }

        var kept = new List<T>(ordered.Length);
        for (var i = 0; i < ordered.Length; i++)
        {
            if (!removed[i])
            {
                kept.Add(ordered[i]);
            }
        }

        return kept;

        void Follow(in UsageClick click, int index)
        {
            if (click.Visitor is not { } visitor)
            {
                return;
            }

            ref var previous = ref CollectionsMarshal.GetValueRefOrAddDefault(latest, (visitor, click.RecordId, click.FileId ?? -1), out var exists);
            if (exists && click.Timestamp - clickOf(ordered[previous]).Timestamp <= DoubleClickWindow)
            {
                removed[previous] = true;
            }

            if (index >= 0)
            {
                previous = index;
            }
            else
            {
                // Only the first click of the next day can close a pair of this day: later ones pair with it, not with us.
                latest.Remove((visitor, click.RecordId, click.FileId ?? -1));
            }
        }
    }

    /// <summary>
    /// Counts clicks per record and access method: robots excluded, double-clicks removed, downloads counted as both
    /// Requests and Investigations, unique items once per (session, record). A click without a session is its own.
    /// </summary>
    public static IReadOnlyDictionary<(int RecordId, AccessMethod AccessMethod), CounterMetrics> Count(IEnumerable<UsageClick> clicks)
    {
        var tally = new UsageTally<(int, AccessMethod)>();
        foreach (var click in RemoveDoubleClicks(clicks.Where(c => !c.IsRobot)))
        {
            tally.Add((click.RecordId, click.AccessMethod), click);
        }

        return tally.Metrics.ToDictionary(
            m => m.Key,
            m => new CounterMetrics(m.Value.Investigations, m.Value.UniqueInvestigations, m.Value.Downloads, m.Value.UniqueDownloads, m.Value.Volume));
    }

    private static bool IsInTimeOrder<T>(T[] items, Func<T, UsageClick> clickOf)
    {
        for (var i = 1; i < items.Length; i++)
        {
            if (clickOf(items[i]).Timestamp < clickOf(items[i - 1]).Timestamp)
            {
                return false;
            }
        }

        return true;
    }
}
