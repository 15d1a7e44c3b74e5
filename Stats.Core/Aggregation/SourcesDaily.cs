using Microsoft.EntityFrameworkCore;
using Stats.Core.Counting;
using Stats.Core.Data;

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

    /// <summary>Replaces the sources rows of <paramref name="days"/> with <paramref name="rows"/>, inside the aggregator's transaction.</summary>
    public static async Task ReplaceAsync(StatsDbContext context, IReadOnlyCollection<DateOnly> days, IReadOnlyList<SourceDailyStat> rows, CancellationToken cancellationToken)
    {
        await context.SourceDailyStats.Where(s => days.Contains(s.Day)).ExecuteDeleteAsync(cancellationToken);
        await AggregateInserter.InsertSourcesAsync(context, rows, cancellationToken);
    }

    /// <summary>
    /// The rows of one day: the sources of its counted clicks (<see cref="DayTotals.CountedEvents"/>, the usage
    /// aggregates' own), the top ones of each scope and the rest as other.
    /// </summary>
    public static List<SourceDailyStat> Compute(DateOnly day, List<DayEvent> counted, CatalogSnapshot catalog)
    {
        var tallies = new Dictionary<(SourceKind Kind, StatScope Scope, int ScopeId), Dictionary<int, (int Views, int Downloads)>>();
        foreach (var click in counted)
        {
            var communities = catalog.Record(click.RecordId!.Value)?.Communities ?? [];
            var download = DayTotals.ClickOf(click).IsDownload;
            if (click.ReferrerId is { } host)
            {
                Tally(tallies, (SourceKind.Referrer, StatScope.Record, click.RecordId.Value), host, download);
                Tally(tallies, (SourceKind.Referrer, StatScope.Repository, 0), host, download);
                foreach (var community in communities)
                {
                    Tally(tallies, (SourceKind.Referrer, StatScope.Community, community), host, download);
                }
            }

            // Organisations are asked for per community only: a record's or the repository's would cost rows nothing reads
            // (the investigation page has the repository's, from raw events).
            if (click.OrganisationId is { } organisation)
            {
                foreach (var community in communities)
                {
                    Tally(tallies, (SourceKind.Organisation, StatScope.Community, community), organisation, download);
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
}
