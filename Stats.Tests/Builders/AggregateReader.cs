using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Tests.Builders;

/// <summary>Reads aggregates back by the names tests use (recid, community id, parent recid).</summary>
public static class AggregateReader
{
    /// <summary>The usage row of a record on a day (regular access unless asked), or an empty row when there is none.</summary>
    public static async Task<UsageDailyStat> RecordAsync(StatsDbContext context, string recid, DateOnly day, AccessMethod method = AccessMethod.Regular)
    {
        var id = await context.Records.Where(r => r.ExternalId == recid).Select(r => r.Id).SingleAsync();
        return await UsageAsync(context, StatScope.Record, id, day, method);
    }

    /// <summary>A concept's usage on a day, read as the queries read it: its row, or its one version's row that stands for it (ADR-020).</summary>
    public static async Task<UsageDailyStat> ConceptAsync(StatsDbContext context, string parentRecid, DateOnly day)
    {
        var id = await context.Labels.Where(l => l.Kind == LabelKind.Concept && l.Value == parentRecid).Select(l => l.Id).SingleAsync();
        return await ReadAsAsync(context, StatScope.Concept, id, day);
    }

    public static async Task<UsageDailyStat> CommunityAsync(StatsDbContext context, string community, DateOnly day)
    {
        var id = await context.Communities.Where(c => c.ExternalId == community).Select(c => c.Id).SingleAsync();
        return await UsageAsync(context, StatScope.Community, id, day, AccessMethod.Regular);
    }

    /// <summary>An owner's usage on a day, read as the queries read it: the sum of its records' rows (owners have none of their own).</summary>
    public static async Task<UsageDailyStat> OwnerAsync(StatsDbContext context, string owner, DateOnly day)
    {
        var id = await context.Labels.Where(l => l.Kind == LabelKind.Owner && l.Value == owner).Select(l => l.Id).SingleAsync();
        return await ReadAsAsync(context, StatScope.Owner, id, day);
    }

    /// <summary>A scope's regular usage on a day summed from the rows the queries read for it (<see cref="Stats.Core.Queries.UsageStats.UsageRows"/>).</summary>
    private static async Task<UsageDailyStat> ReadAsAsync(StatsDbContext context, StatScope scope, int id, DateOnly day)
    {
        var rows = await Stats.Core.Queries.UsageStats.UsageRows(context, scope, id, day, day, AccessMethod.Regular).AsNoTracking().ToListAsync();
        return new UsageDailyStat
        {
            Day = day, Scope = scope, ScopeId = id, AccessMethod = AccessMethod.Regular,
            Views = rows.Sum(r => r.Views), UniqueViews = rows.Sum(r => r.UniqueViews), Downloads = rows.Sum(r => r.Downloads),
            UniqueDownloads = rows.Sum(r => r.UniqueDownloads), Investigations = rows.Sum(r => r.Investigations),
            UniqueInvestigations = rows.Sum(r => r.UniqueInvestigations), Volume = rows.Sum(r => r.Volume),
        };
    }

    public static Task<UsageDailyStat> RepositoryAsync(StatsDbContext context, DateOnly day, AccessMethod method = AccessMethod.Regular) =>
        UsageAsync(context, StatScope.Repository, 0, day, method);

    public static async Task<UsageDailyStat> UsageAsync(StatsDbContext context, StatScope scope, int id, DateOnly day, AccessMethod method) =>
        await context.UsageDailyStats.AsNoTracking().SingleOrDefaultAsync(s => s.Scope == scope && s.ScopeId == id && s.Day == day && s.AccessMethod == method)
        ?? new UsageDailyStat { Day = day, Scope = scope, ScopeId = id, AccessMethod = method };

    /// <summary>Every aggregate row of the store, as comparable text: for "nothing changed" assertions.</summary>
    public static async Task<List<string>> EverythingAsync(StatsDbContext context)
    {
        var usage = await context.UsageDailyStats.AsNoTracking().ToListAsync();
        var countries = await context.CountryDailyStats.AsNoTracking().ToListAsync();
        var activities = await context.ActivityDailyStats.AsNoTracking().ToListAsync();
        var sips = await context.SipOutcomes.AsNoTracking().ToListAsync();
        var sources = await context.SourceDailyStats.AsNoTracking().ToListAsync();
        return
        [
            .. usage.Select(u => $"usage {u.Day} {u.Scope} {u.ScopeId} {u.AccessMethod}: {u.Views} {u.UniqueViews} {u.Downloads} {u.UniqueDownloads} {u.Investigations} {u.UniqueInvestigations} {u.Volume} {u.Country} {u.FileId} {u.ConceptId}"),
            .. countries.Select(c => $"country {c.Day} {c.Scope} {c.ScopeId} {c.Country}: {c.Views} {c.UniqueViews} {c.Downloads} {c.UniqueDownloads}"),
            .. activities.Select(a => $"activity {a.Day} {a.Activity} {a.CommunityId} {a.SubjectId} {a.DetailId}: {a.Count} {a.Amount}"),
            .. sips.Select(s => $"sip {s.SipId} {s.RecordId} {s.CommunityId} {s.CreatedAt:O} {s.SentAt:O} {s.ProcessedAt:O} {s.Succeeded} {s.Size}"),
            .. sources.Select(s => $"source {s.Day} {s.Kind} {s.Scope} {s.ScopeId} {s.LabelId}: {s.Views} {s.Downloads}"),
        ];
    }
}
