using Microsoft.EntityFrameworkCore;
using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Aggregation;

/// <summary>
/// The daily sources aggregate (<see cref="SourceDailyStat"/>): per record, community and the repository, the top
/// <see cref="TopPerScope"/> referrer hosts of each day and the rest as "other"; per community, the top organisations
/// likewise. Counted by the COUNTER rules of usage (<see cref="CounterRules"/>): robots out,
/// double-clicks removed, both access methods. Written in the aggregator's transaction, replacing the days' rows, so a
/// re-run changes nothing.
/// </summary>
internal static class SourcesDaily
{
    /// <summary>How many hosts or organisations a scope keeps a row for per day; the rest share one "other" row (ADR-015).</summary>
    public const int TopPerScope = 20;

    private static readonly short s_view = EventCatalog.CodeOf(EventCatalog.RecordView);
    private static readonly short s_download = EventCatalog.CodeOf(EventCatalog.FileDownload);

    /// <summary>
    /// Reads the day's views and downloads with their sources and computes its rows, outside the write transaction as the
    /// rest of the day's aggregates are; <paramref name="followers"/> are the clicks early the next day that the aggregator
    /// has read already.
    /// </summary>
    public static async Task<List<SourceDailyStat>> ComputeAsync(
        StatsDbContext context, CatalogSnapshot catalog, DateOnly day, List<UsageClick> followers, CancellationToken cancellationToken)
    {
        var clicks = await SourcedClicks(context, day).ToListAsync(cancellationToken);
        await catalog.EnsureRecordsAsync(context, clicks.Select(c => c.RecordId).Distinct(), cancellationToken);
        return Compute(day, clicks, followers, catalog);
    }

    /// <summary>Replaces the sources rows of <paramref name="days"/> with <paramref name="rows"/>, inside the aggregator's transaction.</summary>
    public static async Task ReplaceAsync(StatsDbContext context, IReadOnlyCollection<DateOnly> days, IReadOnlyList<SourceDailyStat> rows, CancellationToken cancellationToken)
    {
        await context.SourceDailyStats.Where(s => days.Contains(s.Day)).ExecuteDeleteAsync(cancellationToken);
        await AggregateInserter.InsertSourcesAsync(context, rows, cancellationToken);
    }

    /// <summary>The rows of one day: the sources of its counted clicks, the top ones of each scope and the rest as other.</summary>
    public static List<SourceDailyStat> Compute(DateOnly day, List<SourcedClick> clicks, List<UsageClick> followers, CatalogSnapshot catalog)
    {
        var counted = CounterRules.RemoveDoubleClicks(
            clicks.Where(c => (c.Traits & EventTraits.Robot) == 0), c => c.Click, followers.Where(f => !f.IsRobot));
        var tallies = new Dictionary<(SourceKind Kind, StatScope Scope, int ScopeId), Dictionary<int, (int Views, int Downloads)>>();
        foreach (var click in counted)
        {
            var communities = catalog.Record(click.RecordId)?.Communities ?? [];
            if (click.ReferrerId is { } host)
            {
                Tally(tallies, (SourceKind.Referrer, StatScope.Record, click.RecordId), host, click.IsDownload);
                Tally(tallies, (SourceKind.Referrer, StatScope.Repository, 0), host, click.IsDownload);
                foreach (var community in communities)
                {
                    Tally(tallies, (SourceKind.Referrer, StatScope.Community, community), host, click.IsDownload);
                }
            }

            // Organisations are asked for per community only: a record's or the repository's would cost rows nothing reads
            // (the investigation page has the repository's, from raw events).
            if (click.OrganisationId is { } organisation)
            {
                foreach (var community in communities)
                {
                    Tally(tallies, (SourceKind.Organisation, StatScope.Community, community), organisation, click.IsDownload);
                }
            }
        }

        var rows = new List<SourceDailyStat>();
        foreach (var ((kind, scope, scopeId), sources) in tallies)
        {
            var ranked = sources.OrderByDescending(s => s.Value.Views + s.Value.Downloads).ThenBy(s => s.Key).ToList();
            foreach (var (label, (views, downloads)) in ranked.Take(TopPerScope))
            {
                rows.Add(new SourceDailyStat { Day = day, Kind = kind, Scope = scope, ScopeId = scopeId, LabelId = label, Views = views, Downloads = downloads });
            }

            if (ranked.Count > TopPerScope)
            {
                var rest = ranked.Skip(TopPerScope).ToList();
                rows.Add(new SourceDailyStat
                {
                    Day = day, Kind = kind, Scope = scope, ScopeId = scopeId, LabelId = SourceDailyStat.Other,
                    Views = rest.Sum(s => s.Value.Views), Downloads = rest.Sum(s => s.Value.Downloads),
                });
            }
        }

        return rows;
    }

    private static void Tally(
        Dictionary<(SourceKind, StatScope, int), Dictionary<int, (int Views, int Downloads)>> tallies, (SourceKind, StatScope, int) scope, int label, bool download)
    {
        if (!tallies.TryGetValue(scope, out var sources))
        {
            tallies[scope] = sources = [];
        }

        sources.TryGetValue(label, out var counts);
        sources[label] = download ? (counts.Views, counts.Downloads + 1) : (counts.Views + 1, counts.Downloads);
    }

    /// <summary>
    /// Every view and download of the day in time order, with or without a source: a click without a referrer can still
    /// remove the double-click before it, so the rule must see them all.
    /// </summary>
    internal static IQueryable<SourcedClick> SourcedClicks(StatsDbContext context, DateOnly day)
    {
        var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var to = from.AddDays(1);
        return context.RawEvents.AsNoTracking()
            .Where(e => e.Timestamp >= from && e.Timestamp < to && (e.TypeId == s_view || e.TypeId == s_download) && e.RecordId != null)
            .OrderBy(e => e.Timestamp)
            .Select(e => new SourcedClick(
                e.Timestamp, e.RecordId!.Value, e.TypeId == s_download ? e.FileId : null, e.VisitorHash, e.Traits, e.ReferrerId, e.OrganisationId));
    }
}

/// <summary>A view or download as the sources aggregate reads it: the click and where its visitor came from.</summary>
internal sealed record SourcedClick(DateTime Timestamp, int RecordId, int? FileId, long? Visitor, EventTraits Traits, int? ReferrerId, int? OrganisationId)
{
    /// <summary>Made once: the double-click rule reads it several times per click (sorting, then following).</summary>
    public UsageClick Click { get; } = new(DateTime.SpecifyKind(Timestamp, DateTimeKind.Utc), RecordId, FileId, Visitor, null, Traits);

    public bool IsDownload => FileId is not null;
}
