using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;

namespace Stats.Core.Reports;

/// <summary>A customer of the SUSHI server: "The World", or a community when communities are members.</summary>
public sealed record SushiMember(string CustomerId, string InstitutionName, int? CommunityId);

/// <summary>An entry of the report list.</summary>
public sealed record ReportInfo(CounterReport Report, string FirstMonthAvailable, string LastMonthAvailable);

/// <summary>A record as an item of a report.</summary>
public sealed record ReportItem(string Recid, string? Title, string DataType, string AccessType, string Yop, DateOnly? PublicationDate);

/// <summary>
/// One combination of the attributes shown (the item for item reports; null attributes are not shown) and its counts:
/// metric → month (<c>yyyy-MM</c>) → count. Zero counts, and metrics without any, are left out.
/// </summary>
public sealed record ReportLine(
    ReportItem? Item, string DataType, string? Yop, string? AccessType, string? AccessMethod,
    IReadOnlyDictionary<string, SortedDictionary<string, long>> Metrics);

/// <summary>A report ready to be written as JSON or as the tabular form.</summary>
public sealed record CounterReportResult(
    ReportRequest Request, SushiMember Member, DateTimeOffset Created, IReadOnlyList<CounterError> Exceptions, IReadOnlyList<ReportLine> Lines);

/// <summary>
/// Builds COUNTER R5.1 reports of the repository (Host_Type Repository: item = record) from the daily aggregates of
/// records, summed by month in the database. Unique counts are sums of daily counts, exact because a COUNTER session
/// never spans two days (ADR-007). A month with a day waiting for aggregation, or not over yet, is not ready (3031).
/// Usage the harvester may not see (the access rules of the usage family, ADR-009) is left out of every report: its items,
/// and its part of the platform totals.
/// </summary>
public sealed class CounterReportService(
    IDbContextFactory<StatsDbContext> contexts, IOptions<SushiOptions> options, TimeProvider clock, AccessPolicy policy)
{
    private SushiOptions Settings => options.Value;

    /// <summary>The members: "The World", then each community when <see cref="SushiOptions.CommunityMembers"/> is on.</summary>
    public async Task<IReadOnlyList<SushiMember>> MembersAsync(CancellationToken cancellationToken = default)
    {
        var members = new List<SushiMember> { World() };
        if (Settings.CommunityMembers)
        {
            await using var context = await contexts.CreateDbContextAsync(cancellationToken);
            var communities = await Communities(context).ToListAsync(cancellationToken);
            members.AddRange(communities.Select(c => new SushiMember(c.ExternalId, InstitutionName(c.Name, c.ExternalId), c.Id)));
        }

        return members;
    }

    /// <summary>The member of a customer id, or null when there is none.</summary>
    public async Task<SushiMember?> MemberAsync(string customerId, CancellationToken cancellationToken = default)
    {
        if (customerId == SushiOptions.WorldCustomerId)
        {
            return World();
        }

        if (!Settings.CommunityMembers)
        {
            return null;
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var community = await Communities(context).Where(c => c.ExternalId == customerId).FirstOrDefaultAsync(cancellationToken);
        return community is null ? null : new SushiMember(community.ExternalId, InstitutionName(community.Name, community.ExternalId), community.Id);
    }

    /// <summary>The reports supported, with the months available: IR_A1 only when the catalog has articles.</summary>
    public async Task<IReadOnlyList<ReportInfo>> ReportListAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var last = new DateOnly(Today().Year, Today().Month, 1).AddMonths(-1);
        var firstDirty = await DirtyDaysFrom(context, DateOnly.MinValue).OrderBy(d => d).FirstOrDefaultAsync(cancellationToken);
        if (firstDirty != default && firstDirty <= EndOfMonth(last))
        {
            last = new DateOnly(firstDirty.Year, firstDirty.Month, 1).AddMonths(-1);
        }

        var firstDay = await FirstUsageDay(context).FirstOrDefaultAsync(cancellationToken);
        var first = firstDay == default ? last : new DateOnly(firstDay.Year, firstDay.Month, 1);
        if (first > last)
        {
            first = last;
        }

        var types = await ResourceTypes(context).ToListAsync(cancellationToken);
        var hasArticles = types.Any(t => CounterReports.DataType(t) == "Article");
        CounterReport[] reports = hasArticles ? [CounterReport.PR, CounterReport.PR_P1, CounterReport.IR, CounterReport.IR_A1] : [CounterReport.PR, CounterReport.PR_P1, CounterReport.IR];
        return [.. reports.Select(r => new ReportInfo(r, Month(first), Month(last)))];
    }

    /// <summary>
    /// Builds a report of the usage <paramref name="viewer"/> may see; throws <see cref="CounterRequestException"/> (2010) for a
    /// customer that is not a member.
    /// </summary>
    public async Task<CounterReportResult> BuildAsync(ReportRequest request, StatsViewer viewer, CancellationToken cancellationToken = default)
    {
        var member = await MemberAsync(request.CustomerId, cancellationToken)
            ?? throw new CounterRequestException(CounterError.NotAuthorizedForInstitution($"customer_id {request.CustomerId} is not a member: see /members."));

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var notReady = await NotReadyMonthsAsync(context, request, cancellationToken);

        var candidates = context.Records.AsQueryable();
        if (member.CommunityId is { } communityId)
        {
            candidates = UsageStats.InCommunity(candidates, communityId);
        }

        if (request.ItemId is { } itemId)
        {
            candidates = candidates.Where(r => r.ExternalId == itemId);
        }

        var method = request.AccessMethods.Distinct().Count() == 2 ? (AccessMethod?)null : request.AccessMethods[0];
        // Under the default rules (or for an admin) nothing is hidden, and the platform report is summed by the database alone.
        var restricted = await policy.SeesEveryRecordAsync(viewer, StatFamily.Usage, cancellationToken) ? null : viewer;
        var lines = request.Report is CounterReport.PR or CounterReport.PR_P1
            ? PlatformLines(restricted is null
                ? await UsageByResourceType(context, candidates, request.Begin, request.End, method, Settings.IncludeImportedUsage).ToListAsync(cancellationToken)
                : await VisibleUsageByResourceTypeAsync(context, candidates, request, method, restricted, cancellationToken), request, notReady)
            : await ItemLinesAsync(context, candidates, request, method, notReady, restricted, cancellationToken);

        var exceptions = new List<CounterError>(request.Warnings);
        if (Settings.IncludeImportedUsage && method != AccessMethod.Machine
            && await ImportedMonths(context, candidates, request.Begin, request.End).ToListAsync(cancellationToken) is { Count: > 0 } imported)
        {
            var months = string.Join(", ", imported.Order().Select(m => $"{m / 100:D4}-{m % 100:D2}"));
            exceptions.Add(CounterError.Info(
                $"Usage of {months} includes daily aggregates imported from another system (counted by its rules, not COUNTER's), reported as Regular."));
        }

        if (notReady.Count > 0)
        {
            exceptions.Add(CounterError.UsageNotReady(string.Join(", ", notReady.Order(StringComparer.Ordinal))));
        }

        if (lines.Count == 0 && notReady.Count < request.Months().Count())
        {
            exceptions.Add(CounterError.NoUsage($"No usage from {request.Begin:yyyy-MM-dd} to {request.End:yyyy-MM-dd}."));
        }

        return new CounterReportResult(request, member, clock.GetUtcNow(), exceptions, lines);
    }

    private static List<ReportLine> PlatformLines(List<TypeMonthUsage> rows, ReportRequest request, HashSet<string> notReady)
    {
        var showMethod = request.Report == CounterReport.PR && request.AttributesToShow.Contains("Access_Method");
        var lines = new Dictionary<(string DataType, string? Method), Dictionary<string, SortedDictionary<string, long>>>();
        foreach (var row in rows)
        {
            var dataType = CounterReports.DataType(row.ResourceType);
            if (request.DataTypes is { } types && !types.Contains(dataType))
            {
                continue;
            }

            var key = (dataType, showMethod ? CounterReports.AccessMethodName(row.AccessMethod) : null);
            Add(lines, key, request, notReady, row.Year, row.Month, row.Counts);
        }

        return [.. lines
            .Where(l => l.Value.Count > 0)
            .OrderBy(l => l.Key.DataType, StringComparer.Ordinal).ThenBy(l => l.Key.Method, StringComparer.Ordinal)
            .Select(l => new ReportLine(null, l.Key.DataType, null, null, l.Key.Method, l.Value))];
    }

    /// <summary>
    /// The platform report's rows when some records are hidden from the viewer: summed per record by the database, the hidden
    /// records dropped, then summed per resource type here.
    /// </summary>
    private async Task<List<TypeMonthUsage>> VisibleUsageByResourceTypeAsync(
        StatsDbContext context, IQueryable<Record> candidates, ReportRequest request, AccessMethod? method, StatsViewer viewer, CancellationToken cancellationToken)
    {
        var rows = await UsageByRecord(context, candidates, request.Begin, request.End, method, Settings.IncludeImportedUsage).ToListAsync(cancellationToken);
        var visible = await VisibleRecordsAsync(context, rows, viewer, cancellationToken);
        return [.. rows
            .Where(r => visible.ContainsKey(r.RecordId))
            .Select(r => new TypeMonthUsage(visible[r.RecordId].ResourceType, r.Year, r.Month, r.AccessMethod, r.Counts))];
    }

    private async Task<List<ReportLine>> ItemLinesAsync(
        StatsDbContext context, IQueryable<Record> candidates, ReportRequest request, AccessMethod? method, HashSet<string> notReady,
        StatsViewer? restricted, CancellationToken cancellationToken)
    {
        var rows = await UsageByRecord(context, candidates, request.Begin, request.End, method, Settings.IncludeImportedUsage).ToListAsync(cancellationToken);
        var items = (await VisibleRecordsAsync(context, rows, restricted, cancellationToken)).ToDictionary(r => r.Key, r => new ReportItem(
            r.Value.ExternalId, r.Value.Title, CounterReports.DataType(r.Value.ResourceType), CounterReports.AccessTypeName(r.Value.AccessRight),
            CounterReports.Yop(r.Value.PublishedAt), r.Value.PublishedAt is { } at ? DateOnly.FromDateTime(at) : null));

        var isA1 = request.Report == CounterReport.IR_A1;
        var shown = request.AttributesToShow;
        var lines = new Dictionary<(string Recid, string DataType, string? Yop, string? AccessType, string? Method), Dictionary<string, SortedDictionary<string, long>>>();
        var itemOf = new Dictionary<string, ReportItem>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!items.TryGetValue(row.RecordId, out var item))
            {
                continue;
            }

            if ((request.DataTypes is { } types && !types.Contains(item.DataType))
                || (request.AccessTypes is { } access && !access.Contains(item.AccessType))
                || (request.Yops is { } yops && !yops.Any(y => int.Parse(item.Yop, CultureInfo.InvariantCulture) >= y.From && int.Parse(item.Yop, CultureInfo.InvariantCulture) <= y.To)))
            {
                continue;
            }

            itemOf[item.Recid] = item;
            var key = (
                item.Recid,
                item.DataType,
                !isA1 && shown.Contains("YOP") ? item.Yop : null,
                isA1 || shown.Contains("Access_Type") ? item.AccessType : null,
                !isA1 && shown.Contains("Access_Method") ? CounterReports.AccessMethodName(row.AccessMethod) : null);
            Add(lines, key, request, notReady, row.Year, row.Month, row.Counts);
        }

        return [.. lines
            .Where(l => l.Value.Count > 0)
            .OrderBy(l => itemOf[l.Key.Recid].Title ?? l.Key.Recid, StringComparer.Ordinal).ThenBy(l => l.Key.Recid, StringComparer.Ordinal)
            .ThenBy(l => l.Key.Yop, StringComparer.Ordinal).ThenBy(l => l.Key.AccessType, StringComparer.Ordinal).ThenBy(l => l.Key.Method, StringComparer.Ordinal)
            .Select(l => new ReportLine(itemOf[l.Key.Recid], l.Key.DataType, l.Key.Yop, l.Key.AccessType, l.Key.Method, l.Value))];
    }

    /// <summary>
    /// The catalog entries of the records in <paramref name="rows"/>, without those whose usage <paramref name="restricted"/> may
    /// not see (all of them when null): one catalog read per 1,000 records, and the policy's own reads (ADR-009).
    /// </summary>
    private async Task<Dictionary<int, Record>> VisibleRecordsAsync(
        StatsDbContext context, List<RecordMonthUsage> rows, StatsViewer? restricted, CancellationToken cancellationToken)
    {
        var records = new Dictionary<int, Record>();
        foreach (var chunk in rows.Select(r => r.RecordId).Distinct().Chunk(1000))
        {
            foreach (var record in await ItemDetails(context, chunk).ToListAsync(cancellationToken))
            {
                records[record.Id] = record;
            }
        }

        if (restricted is not null)
        {
            var hidden = await policy.HiddenRecordsAsync(restricted, StatFamily.Usage, [.. records.Values.Select(r => r.ExternalId)], cancellationToken);
            foreach (var id in records.Where(r => hidden.Contains(r.Value.ExternalId)).Select(r => r.Key).ToList())
            {
                records.Remove(id);
            }
        }

        return records;
    }

    /// <summary>Adds a month's counts to a line, leaving out months not ready, metrics not asked for and zeros.</summary>
    private static void Add<TKey>(
        Dictionary<TKey, Dictionary<string, SortedDictionary<string, long>>> lines, TKey key, ReportRequest request, HashSet<string> notReady,
        int year, int month, MonthCounts counts)
        where TKey : notnull
    {
        var monthKey = $"{year:D4}-{month:D2}";
        if (notReady.Contains(monthKey))
        {
            return;
        }

        if (!lines.TryGetValue(key, out var metrics))
        {
            lines[key] = metrics = new Dictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        }

        // With granularity Total the whole period is one count, keyed by its first month (the Counts object only takes months).
        var bucket = request.Totals ? Month(request.Begin) : monthKey;
        foreach (var metric in request.Metrics)
        {
            var value = metric switch
            {
                CounterReports.TotalItemInvestigations => counts.Investigations,
                CounterReports.UniqueItemInvestigations => counts.UniqueInvestigations,
                CounterReports.TotalItemRequests => counts.Requests,
                CounterReports.UniqueItemRequests => counts.UniqueRequests,
                _ => 0,
            };
            if (value == 0)
            {
                continue;
            }

            if (!metrics.TryGetValue(metric, out var months))
            {
                metrics[metric] = months = new SortedDictionary<string, long>(StringComparer.Ordinal);
            }

            months[bucket] = months.GetValueOrDefault(bucket) + value;
        }
    }

    private async Task<HashSet<string>> NotReadyMonthsAsync(StatsDbContext context, ReportRequest request, CancellationToken cancellationToken)
    {
        var today = Today();
        var months = request.Months().Where(m => EndOfMonth(m) >= today).Select(Month).ToHashSet(StringComparer.Ordinal);
        var dirty = await DirtyDaysFrom(context, request.Begin).Where(d => d <= request.End).ToListAsync(cancellationToken);
        months.UnionWith(dirty.Select(d => Month(d)));
        return months;
    }

    private SushiMember World() => new(SushiOptions.WorldCustomerId, Settings.InstitutionName, null);

    private static string InstitutionName(string? name, string externalId) =>
        (name ?? "").Trim().Length >= 2 ? name!.Trim() : externalId.Length >= 2 ? externalId : $"Community {externalId}";

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static DateOnly EndOfMonth(DateOnly month) => new(month.Year, month.Month, DateTime.DaysInMonth(month.Year, month.Month));

    internal static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    // The query builders below are what EF translates; each is listed in SqlServerTranslationTests.

    internal static IQueryable<Community> Communities(StatsDbContext context) => context.Communities.OrderBy(c => c.ExternalId);

    internal static IQueryable<DateOnly> DirtyDaysFrom(StatsDbContext context, DateOnly from) =>
        context.DirtyDays.Where(d => d.Day >= from).Select(d => d.Day);

    internal static IQueryable<DateOnly> FirstUsageDay(StatsDbContext context) =>
        context.UsageDailyStats.Where(s => s.Scope == StatScope.Repository).OrderBy(s => s.Day).Select(s => s.Day).Take(1);

    internal static IQueryable<string?> ResourceTypes(StatsDbContext context) => context.Records.Select(r => r.ResourceType).Distinct();

    /// <summary>The record rows of the candidates in a period, summed per record, month and access method.</summary>
    internal static IQueryable<RecordMonthUsage> UsageByRecord(
        StatsDbContext context, IQueryable<Record> candidates, DateOnly from, DateOnly to, AccessMethod? method, bool includeImported = false) =>
        RecordRows(context, from, to, method, includeImported)
            .Join(candidates, s => s.ScopeId, r => r.Id, (s, r) => s)
            .GroupBy(s => new { s.ScopeId, s.Day.Year, s.Day.Month, s.AccessMethod })
            .Select(g => new RecordMonthUsage(g.Key.ScopeId, g.Key.Year, g.Key.Month, g.Key.AccessMethod, new MonthCounts(
                g.Sum(s => (long)s.Investigations), g.Sum(s => (long)s.UniqueInvestigations), g.Sum(s => (long)s.Downloads), g.Sum(s => (long)s.UniqueDownloads))));

    /// <summary>The record rows of the candidates in a period, summed per resource type, month and access method (for the platform report).</summary>
    internal static IQueryable<TypeMonthUsage> UsageByResourceType(
        StatsDbContext context, IQueryable<Record> candidates, DateOnly from, DateOnly to, AccessMethod? method, bool includeImported = false) =>
        RecordRows(context, from, to, method, includeImported)
            .Join(candidates, s => s.ScopeId, r => r.Id, (s, r) => new { r.ResourceType, s.Day, s.AccessMethod, s.Investigations, s.UniqueInvestigations, s.Downloads, s.UniqueDownloads })
            .GroupBy(x => new { x.ResourceType, x.Day.Year, x.Day.Month, x.AccessMethod })
            .Select(g => new TypeMonthUsage(g.Key.ResourceType, g.Key.Year, g.Key.Month, g.Key.AccessMethod, new MonthCounts(
                g.Sum(s => (long)s.Investigations), g.Sum(s => (long)s.UniqueInvestigations), g.Sum(s => (long)s.Downloads), g.Sum(s => (long)s.UniqueDownloads))));

    internal static IQueryable<Record> ItemDetails(StatsDbContext context, IReadOnlyCollection<int> ids) =>
        context.Records.AsNoTracking().Where(r => ids.Contains(r.Id));

    /// <summary>The months (yyyyMM) in which imported usage of the candidates is in the period.</summary>
    internal static IQueryable<int> ImportedMonths(StatsDbContext context, IQueryable<Record> candidates, DateOnly from, DateOnly to) =>
        context.UsageDailyStats
            .Where(s => s.Scope == StatScope.Record && s.AccessMethod == AccessMethod.Imported && s.Day >= from && s.Day <= to)
            .Join(candidates, s => s.ScopeId, r => r.Id, (s, r) => s.Day.Year * 100 + s.Day.Month)
            .Distinct();

    /// <summary>
    /// The record rows of a period. Imported rows are not COUNTER's: left out, or (by the setting) reported with the
    /// regular ones, which <see cref="CounterReports.AccessMethodName"/> names them as.
    /// </summary>
    private static IQueryable<UsageDailyStat> RecordRows(StatsDbContext context, DateOnly from, DateOnly to, AccessMethod? method, bool includeImported)
    {
        var rows = context.UsageDailyStats.Where(s => s.Scope == StatScope.Record && s.Day >= from && s.Day <= to);
        return method switch
        {
            AccessMethod.Machine => rows.Where(s => s.AccessMethod == AccessMethod.Machine),
            AccessMethod.Regular when includeImported => rows.Where(s => s.AccessMethod != AccessMethod.Machine),
            AccessMethod.Regular => rows.Where(s => s.AccessMethod == AccessMethod.Regular),
            _ when includeImported => rows,
            _ => rows.Where(s => s.AccessMethod != AccessMethod.Imported),
        };
    }
}

/// <summary>The four COUNTER metrics of a repository over one month.</summary>
public sealed record MonthCounts(long Investigations, long UniqueInvestigations, long Requests, long UniqueRequests);

internal sealed record RecordMonthUsage(int RecordId, int Year, int Month, AccessMethod AccessMethod, MonthCounts Counts);

internal sealed record TypeMonthUsage(string? ResourceType, int Year, int Month, AccessMethod AccessMethod, MonthCounts Counts);
