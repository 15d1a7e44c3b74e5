using System.Runtime.InteropServices;

namespace Stats.Core.Counting;

/// <summary>The COUNTER metrics of one item (a record, a file, a concept, a record in one country).</summary>
public struct UsageMetrics
{
    /// <summary>Views of the landing page.</summary>
    public int Views { get; set; }

    public int UniqueViews { get; set; }

    /// <summary>File downloads: COUNTER Total_Item_Requests.</summary>
    public int Downloads { get; set; }

    /// <summary>COUNTER Unique_Item_Requests: sessions that downloaded any file of the item.</summary>
    public int UniqueDownloads { get; set; }

    /// <summary>COUNTER Total_Item_Investigations: views and downloads.</summary>
    public int Investigations { get; set; }

    public int UniqueInvestigations { get; set; }

    /// <summary>Bytes downloaded.</summary>
    public long Volume { get; set; }

    /// <summary>Adds another item's metrics: how unique items add up over a wider scope (a session never spans two items).</summary>
    public void Add(UsageMetrics other)
    {
        Views += other.Views;
        UniqueViews += other.UniqueViews;
        Downloads += other.Downloads;
        UniqueDownloads += other.UniqueDownloads;
        Investigations += other.Investigations;
        UniqueInvestigations += other.UniqueInvestigations;
        Volume += other.Volume;
    }
}

/// <summary>
/// Counts kept clicks (robots out, double-clicks removed) per item: every click is an Investigation, a download is
/// also a Request, and unique counts are distinct COUNTER sessions per item. A click without a session is a
/// session of its own. The one implementation of "unique items" that every aggregation uses.
/// </summary>
/// <typeparam name="TKey">What an item is: a record, a file, a concept, a record in a country, with or without the access method.</typeparam>
public sealed class UsageTally<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    private const byte Viewed = 1;
    private const byte Downloaded = 2;

    private readonly Dictionary<TKey, UsageMetrics> _metrics = [];

    // What each session did with each item so far: one lookup per click decides all three unique counts.
    private readonly Dictionary<(TKey Key, long Session), byte> _sessions = [];
    private long _sessionless;

    public IReadOnlyDictionary<TKey, UsageMetrics> Metrics => _metrics;

    public void Add(TKey key, in UsageClick click)
    {
        ref var metrics = ref CollectionsMarshal.GetValueRefOrAddDefault(_metrics, key, out _);
        // Session hashes are 64-bit salted hashes; the stand-ins of sessionless clicks count up from long.MinValue.
        var session = click.Session ?? long.MinValue + _sessionless++;
        ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(_sessions, (key, session), out var known);
        metrics.Investigations++;
        if (!known)
        {
            metrics.UniqueInvestigations++;
        }

        if (click.IsDownload)
        {
            metrics.Downloads++;
            metrics.Volume += click.Bytes;
            if ((seen & Downloaded) == 0)
            {
                metrics.UniqueDownloads++;
                seen |= Downloaded;
            }
        }
        else
        {
            metrics.Views++;
            if ((seen & Viewed) == 0)
            {
                metrics.UniqueViews++;
                seen |= Viewed;
            }
        }
    }
}
