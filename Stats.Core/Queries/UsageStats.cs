using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Catalog;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>Usage of one scope on one day, summed over the access methods asked for.</summary>
public sealed record DailyUsage(DateOnly Day, UsageCounts Counts);

/// <summary>What the catalog knows of a record: its title, the concept (parent_recid) its versions share, its owner.</summary>
public sealed record RecordInfo(string Recid, string? Title, string? ParentRecid, string? OwnerId, bool Deleted);

/// <summary>
/// Where a target's numbers in a period are partly imported daily aggregates (<see cref="AccessMethod.Imported"/>): the first
/// and last day that include them, and the sources they came from (empty when the target is wider than a concept).
/// </summary>
public sealed record ImportedHistory(DateOnly From, DateOnly To, IReadOnlyList<string> Sources);

/// <summary>Usage of one target split by access method: regular (people) and machine (scripts and harvesters that say so).</summary>
public sealed record AccessMethodTotals(UsageCounts Regular, UsageCounts Machine)
{
    public static AccessMethodTotals Zero { get; } = new(UsageCounts.Zero, UsageCounts.Zero);
}

/// <summary>COUNTER usage of records, concepts, communities, owners and the repository: what the panels read, swappable in tests.</summary>
public interface IUsageStats
{
    /// <inheritdoc cref="UsageStats.TotalsAsync"/>
    Task<UsageCounts> TotalsAsync(StatScope scope, string? key, Period period, AccessMethod? method, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.HistogramAsync"/>
    Task<Histogram<T>> HistogramAsync<T>(
        StatScope scope, string? key, Period period, Interval interval, AccessMethod? method, Func<UsageCounts, T> selector,
        CancellationToken cancellationToken = default)
        where T : IMetrics<T>;

    /// <inheritdoc cref="UsageStats.FileDownloadsAsync"/>
    Task<FileDownloads> FileDownloadsAsync(string recid, Period period, AccessMethod? method, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.FileDownloadHistogramAsync"/>
    Task<Histogram<DownloadCounts>> FileDownloadHistogramAsync(
        string recid, string fileKey, Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.CountriesAsync"/>
    Task<CountryStats> CountriesAsync(StatScope scope, string? key, Period period, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.TopRecordsAsync"/>
    Task<RecordRanking> TopRecordsAsync(RecordSet records, UsageMetric metric, Period period, AccessMethod? method, int size, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.TopRecordChangesAsync"/>
    Task<IReadOnlyList<RecordChange>> TopRecordChangesAsync(
        RecordSet records, UsageMetric metric, Period period, Period previous, ChangeOrder order, int size, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.TopCommunitiesAsync"/>
    Task<CommunityRanking> TopCommunitiesAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.TopOwnersAsync"/>
    Task<OwnerRanking> TopOwnersAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.RecordsAsync"/>
    Task<IReadOnlyDictionary<string, RecordUsage>> RecordsAsync(IReadOnlyCollection<string> recids, Period period, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.RecordInfoAsync"/>
    Task<RecordInfo?> RecordInfoAsync(string recid, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.OwnsRecordsAsync"/>
    Task<bool> OwnsRecordsAsync(string ownerId, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.AccessMethodTotalsAsync"/>
    Task<AccessMethodTotals> AccessMethodTotalsAsync(StatTarget target, Period period, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.TotalsOfManyAsync"/>
    Task<IReadOnlyDictionary<string, UsageCounts>> TotalsOfManyAsync(
        StatSubject subject, IReadOnlyCollection<string> ids, Period period, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UsageStats.ImportedHistoryAsync"/>
    Task<ImportedHistory?> ImportedHistoryAsync(StatTarget target, Period period, CancellationToken cancellationToken = default);

    // The panels name what they read as their access gates do, by a target; these read it through the scope forms above.

    /// <summary>Totals of a target over the period, both access methods.</summary>
    Task<UsageCounts> TotalsAsync(StatTarget target, Period period, CancellationToken cancellationToken = default) =>
        TotalsAsync(UsageStats.ScopeOf(target.Subject), target.Id, period, null, cancellationToken);

    /// <summary>A histogram of a target, both access methods.</summary>
    Task<Histogram<T>> HistogramAsync<T>(StatTarget target, Period period, Interval interval, Func<UsageCounts, T> selector, CancellationToken cancellationToken = default)
        where T : IMetrics<T> =>
        HistogramAsync(UsageStats.ScopeOf(target.Subject), target.Id, period, interval, null, selector, cancellationToken);

    /// <summary>Views and downloads per country of the repository, a record or a community.</summary>
    Task<CountryStats> CountriesAsync(StatTarget target, Period period, CancellationToken cancellationToken = default) =>
        CountriesAsync(UsageStats.ScopeOf(target.Subject), target.Id, period, cancellationToken);
}

/// <summary>
/// COUNTER usage read from <see cref="UsageDailyStat"/> and <see cref="CountryDailyStat"/>: every query is a range read of
/// one scope's key (scope, scope id, day), summed by the database. An external id that is not in the catalog has no usage:
/// its stats are zeros, not an error, as in invenio-stats (a record may be viewed before its first event arrives). The
/// rankings that read every record-day of a period (the top records of the whole repository, its countries) are summed
/// from <paramref name="sums"/>' blocks when given and kept (ADR-018), with the same answers; while too many are missing the
/// database answers and they load in the background.
/// </summary>
public sealed class UsageStats(IDbContextFactory<StatsDbContext> contexts, TimeProvider clock, PeriodSums? sums = null) : IUsageStats
{
    /// <summary>Totals of a scope named by its external id (recid, parent_recid, community id, owner_id; ignored for the repository).</summary>
    public async Task<UsageCounts> TotalsAsync(StatScope scope, string? key, Period period, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        if (await ScopeIdAsync(context, scope, key, cancellationToken) is not { } target)
        {
            return UsageCounts.Zero;
        }

        // The sums of the access methods added up: a concept's rows are of two scopes (ADR-020).
        var methods = await UsagePerAccessMethod(context, target.Scope, target.Id, period.From, period.To).ToListAsync(cancellationToken);
        return methods.Where(m => method is null || m.Method == method).Select(m => m.Counts).Aggregate(UsageCounts.Zero, UsageCounts.Add);
    }

    /// <summary>
    /// A histogram of a scope. Without a start date it starts on the scope's first day with data (and has no bucket when
    /// there is none); without an end date it ends today.
    /// </summary>
    public async Task<Histogram<T>> HistogramAsync<T>(
        StatScope scope, string? key, Period period, Interval interval, AccessMethod? method, Func<UsageCounts, T> selector,
        CancellationToken cancellationToken = default)
        where T : IMetrics<T>
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var target = await ScopeIdAsync(context, scope, key, cancellationToken);
        var days = target is not { } t ? [] : await DailyHistoryAsync(context, t.Scope, t.Id, period, method, cancellationToken);
        return Build(days.Select(d => (d.Day, selector(d.Counts))), period, interval, Today());
    }

    /// <summary>Downloads per file of a record over the period.</summary>
    public async Task<FileDownloads> FileDownloadsAsync(string recid, Period period, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var recordId = await CatalogKeys.RecordIdOf(context, recid).FirstOrDefaultAsync(cancellationToken);
        var files = recordId == 0 ? [] : await DownloadsPerFile(context, recordId, period.From, period.To, method).ToListAsync(cancellationToken);
        return new FileDownloads(recid, files);
    }

    /// <summary>A histogram of one file's downloads.</summary>
    public async Task<Histogram<DownloadCounts>> FileDownloadHistogramAsync(
        string recid, string fileKey, Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var recordId = await CatalogKeys.RecordIdOf(context, recid).FirstOrDefaultAsync(cancellationToken);
        var fileId = recordId == 0 ? 0 : await CatalogKeys.FileIdOf(context, recordId, fileKey).FirstOrDefaultAsync(cancellationToken);
        var days = fileId == 0 ? [] : await DailyHistoryAsync(context, StatScope.File, fileId, period, method, cancellationToken);
        return Build(days.Select(d => (d.Day, d.Counts.ToDownloads())), period, interval, Today());
    }

    /// <summary>Views and downloads per country of the repository, a record or a community.</summary>
    public async Task<CountryStats> CountriesAsync(StatScope scope, string? key, Period period, CancellationToken cancellationToken = default)
    {
        var summing = scope == StatScope.Repository && sums is not null && sums.Covers(period) ? sums : null;
        if (summing is not null && await summing.TryRepositoryCountriesAsync(period, cancellationToken) is { } fromSums)
        {
            return new CountryStats(fromSums);
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var target = await ScopeIdAsync(context, scope, key, cancellationToken);
        var buckets = target is not { } t ? [] : await UsagePerCountry(context, t.Scope, t.Id, period.From, period.To).ToListAsync(cancellationToken);
        // Declined by the sums: their blocks load now for the next request.
        summing?.StartWarming(period);

        return new CountryStats(buckets);
    }

    /// <summary>The live records most used over the period, optionally only those of a community or of an owner.</summary>
    public async Task<RecordRanking> TopRecordsAsync(
        RecordSet records, UsageMetric metric, Period period, AccessMethod? method, int size, CancellationToken cancellationToken = default)
    {
        var summing = records == default && method is null && sums is not null && sums.Covers(period) ? sums : null;
        if (summing is not null && await summing.TryRecordSumsAsync(period, metric, cancellationToken) is { } fromSums)
        {
            return new RecordRanking(MetricName(metric), await TopOfSumsAsync(fromSums, size, cancellationToken));
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var candidates = await CandidatesAsync(context, records, cancellationToken);
        var ranked = await TopRecords(context, candidates, metric, period.From, period.To, method, size).ToListAsync(cancellationToken);
        // Declined by the sums: their blocks load now for the next request.
        summing?.StartWarming(period);

        return new RecordRanking(MetricName(metric), [.. ranked.Where(r => r.Value > 0)]);
    }

    /// <summary>
    /// The first <paramref name="size"/> live records of summed usage, ordered as <see cref="TopRecords"/> orders them: the
    /// highest sums (and every record tied with the last) are looked up in the catalog, which drops deleted records and
    /// orders ties by recid in the database's own collation; four times more are looked up while too few of them are live.
    /// </summary>
    private async Task<List<RankedRecord>> TopOfSumsAsync(List<(int RecordId, long Value)> summed, int size, CancellationToken cancellationToken)
    {
        if (size <= 0 || summed.Count == 0)
        {
            return [];
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        for (var wanted = size; ; wanted *= 4)
        {
            var lowest = LowestOfHighest(summed, wanted);
            var values = summed.Where(s => s.Value >= lowest).ToDictionary(s => s.RecordId, s => s.Value);
            var live = await LiveRecordsAmong(context, [.. values.Keys]).ToListAsync(cancellationToken);
            if (live.Count >= size || values.Count == summed.Count)
            {
                // Stable: records of equal sums keep the database's recid order.
                return [.. live.OrderByDescending(r => values[r.Id]).Take(size).Select(r => new RankedRecord(r.Recid, r.Title, values[r.Id]))];
            }
        }
    }

    /// <summary>The <paramref name="count"/>-th highest value (the lowest of all when there are fewer), without sorting them all.</summary>
    private static long LowestOfHighest(List<(int RecordId, long Value)> summed, int count)
    {
        var highest = new PriorityQueue<long, long>(Math.Min(count, summed.Count));
        foreach (var (_, value) in summed)
        {
            if (highest.Count < count)
            {
                highest.Enqueue(value, value);
            }
            else if (value > highest.Peek())
            {
                highest.DequeueEnqueue(value, value);
            }
        }

        return highest.Peek();
    }

    /// <summary>
    /// The live records whose usage grew most from the previous period to this one (both access methods), over the whole set
    /// rather than over a ranking's top: "which of my records grew most". Records unused in both periods are left out.
    /// </summary>
    public async Task<IReadOnlyList<RecordChange>> TopRecordChangesAsync(
        RecordSet records, UsageMetric metric, Period period, Period previous, ChangeOrder order, int size, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var candidates = await CandidatesAsync(context, records, cancellationToken);
        return await TopRecordChanges(context, candidates, metric, period, previous, order, size).ToListAsync(cancellationToken);
    }

    /// <summary>The communities whose records were most used over the period (both access methods), without those unused.</summary>
    public async Task<CommunityRanking> TopCommunitiesAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var ranked = await TopCommunities(context, metric, period.From, period.To, size).ToListAsync(cancellationToken);
        return new CommunityRanking(MetricName(metric), [.. ranked.Where(c => c.Value > 0)]);
    }

    /// <summary>The owners whose records were most used over the period (both access methods), without those unused.</summary>
    public async Task<OwnerRanking> TopOwnersAsync(UsageMetric metric, Period period, int size, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var ranked = await TopOwners(context, metric, period.From, period.To, size).ToListAsync(cancellationToken);
        return new OwnerRanking(MetricName(metric), [.. ranked.Where(o => o.Value > 0)]);
    }

    /// <summary>
    /// Usage of many records over the period: their catalog ids, then one range read of the key per record; ids without
    /// usage (or unknown) get zeros. Not one join: without table statistics SQLite drove it from every record row of
    /// every day (0.4 s for the Overview's ten records on 10 M events).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, RecordUsage>> RecordsAsync(IReadOnlyCollection<string> recids, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = recids.Count == 0 ? [] : await CatalogKeys.RecordIdsOf(context, recids).ToListAsync(cancellationToken);
        var found = keys.Count == 0
            ? []
            : await UsageOfRecords(context, [.. keys.Select(k => k.Id)], period.From, period.To).ToDictionaryAsync(r => r.RecordId, r => r.Usage, cancellationToken);
        var result = new Dictionary<string, RecordUsage>(StringComparer.Ordinal);
        foreach (var recid in recids)
        {
            result[recid] = RecordUsage.Zero;
        }

        foreach (var key in keys)
        {
            result[key.ExternalId] = found.GetValueOrDefault(key.Id) ?? RecordUsage.Zero;
        }

        return result;
    }

    /// <summary>
    /// Whether the catalog has a live record of this owner: where an owner lands after signing in, and whether the side menu
    /// lists "My statistics". One seek of the owner index.
    /// </summary>
    public async Task<bool> OwnsRecordsAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await context.Records.AnyAsync(r => r.OwnerId == ownerId && r.DeletedAt == null, cancellationToken);
    }

    /// <summary>The catalog's entry of a record (null for a recid the catalog has never seen): the panels' title and version switch.</summary>
    public async Task<RecordInfo?> RecordInfoAsync(string recid, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await RecordInfoOf(context, recid).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The recid of the record an Invenio file bucket belongs to; null while the catalog's bucket map does not know the bucket.</summary>
    public async Task<string?> RecidOfBucketAsync(string bucketId, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return (await CatalogKeys.RecordsOfBuckets(context, [bucketId]).FirstOrDefaultAsync(cancellationToken))?.Recid;
    }

    /// <summary>A histogram of one file's downloads, the file named by its Invenio bucket and key; zeros for a bucket the catalog does not know.</summary>
    public async Task<Histogram<DownloadCounts>> BucketFileDownloadHistogramAsync(
        string bucketId, string fileKey, Period period, Interval interval, AccessMethod? method, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var recordId = (await CatalogKeys.RecordsOfBuckets(context, [bucketId]).FirstOrDefaultAsync(cancellationToken))?.RecordId ?? 0;
        var fileId = recordId == 0 ? 0 : await CatalogKeys.FileIdOf(context, recordId, fileKey).FirstOrDefaultAsync(cancellationToken);
        var days = fileId == 0 ? [] : await DailyHistoryAsync(context, StatScope.File, fileId, period, method, cancellationToken);
        return Build(days.Select(d => (d.Day, d.Counts.ToDownloads())), period, interval, Today());
    }

    /// <summary>Usage of a target per access method, both read in one query.</summary>
    public async Task<AccessMethodTotals> AccessMethodTotalsAsync(StatTarget target, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        if (await ScopeIdAsync(context, ScopeOf(target.Subject), target.Id, cancellationToken) is not { } scope)
        {
            return AccessMethodTotals.Zero;
        }

        var methods = await UsagePerAccessMethod(context, scope.Scope, scope.Id, period.From, period.To).ToDictionaryAsync(m => m.Method, m => m.Counts, cancellationToken);
        return new AccessMethodTotals(methods.GetValueOrDefault(AccessMethod.Regular) ?? UsageCounts.Zero, methods.GetValueOrDefault(AccessMethod.Machine) ?? UsageCounts.Zero);
    }

    /// <summary>
    /// Totals of many records, communities or owners over the period (both access methods) in one query, whatever their
    /// number: what a table of them shows. Ids without usage, or unknown, get zeros.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, UsageCounts>> TotalsOfManyAsync(
        StatSubject subject, IReadOnlyCollection<string> ids, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = subject switch
        {
            StatSubject.Record => RecordsAmong(context, ids),
            StatSubject.Community => CommunitiesAmong(context, ids),
            StatSubject.Owner => OwnersAmong(context, ids),
            _ => throw new ArgumentOutOfRangeException(nameof(subject), subject, "Totals of many are read for records, communities and owners."),
        };
        var found = await UsageOfKeys(context, ScopeOf(subject), keys, period.From, period.To).ToDictionaryAsync(k => k.Key, k => k.Counts, StringComparer.Ordinal, cancellationToken);
        var result = new Dictionary<string, UsageCounts>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            result[id] = found.GetValueOrDefault(id) ?? UsageCounts.Zero;
        }

        return result;
    }

    /// <summary>Whether a target's numbers in the period include imported daily aggregates: their days and sources, or null.</summary>
    public async Task<ImportedHistory?> ImportedHistoryAsync(StatTarget target, Period period, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        if (await ScopeIdAsync(context, ScopeOf(target.Subject), target.Id, cancellationToken) is not { } scope
            || await ImportedDays(context, scope.Scope, scope.Id, period.From, period.To).FirstOrDefaultAsync(cancellationToken) is not { } days)
        {
            return null;
        }

        var sources = scope.Scope switch
        {
            StatScope.Record => await ImportSources(context, context.Records.Where(r => r.Id == scope.Id), days.From, days.To).ToListAsync(cancellationToken),
            StatScope.Concept => await ImportSources(context, context.Records.Where(r => r.ParentExternalId == target.Id), days.From, days.To).ToListAsync(cancellationToken),
            _ => [],
        };
        return new ImportedHistory(days.From, days.To, [.. sources.Order(StringComparer.Ordinal)]);
    }

    /// <summary>The scope of the aggregates that holds a subject's usage.</summary>
    internal static StatScope ScopeOf(StatSubject subject) => subject switch
    {
        StatSubject.Repository => StatScope.Repository,
        StatSubject.Record => StatScope.Record,
        StatSubject.Concept => StatScope.Concept,
        StatSubject.Community => StatScope.Community,
        StatSubject.Owner => StatScope.Owner,
        _ => throw new ArgumentOutOfRangeException(nameof(subject), subject, null),
    };

    /// <summary>
    /// The scope and internal id to read for an external id, or null for an unknown one. A record without versions is
    /// its own concept: the aggregator writes no concept rows for it, so its all-versions numbers are its record rows.
    /// </summary>
    internal static async Task<(StatScope Scope, int Id)?> ScopeIdAsync(StatsDbContext context, StatScope scope, string? key, CancellationToken cancellationToken)
    {
        if (scope == StatScope.Repository)
        {
            return (scope, 0);
        }

        ArgumentNullException.ThrowIfNull(key);
        var id = await ScopeIdOf(context, scope, key).FirstOrDefaultAsync(cancellationToken);
        if (id != 0)
        {
            return (scope, id);
        }

        var record = scope == StatScope.Concept ? await CatalogKeys.RecordIdOf(context, key).FirstOrDefaultAsync(cancellationToken) : 0;
        return record == 0 ? null : (StatScope.Record, record);
    }

    internal static async Task<List<DailyUsage>> DailyHistoryAsync(
        StatsDbContext context, StatScope scope, int id, Period period, AccessMethod? method, CancellationToken cancellationToken) =>
        await UsagePerDay(context, scope, id, period.From, period.To, method).ToListAsync(cancellationToken);

    /// <summary>Buckets a daily series: an open start begins at the first day with data, an open end at today.</summary>
    internal static Histogram<T> Build<T>(IEnumerable<(DateOnly Day, T Values)> days, Period period, Interval interval, DateOnly today)
        where T : IMetrics<T>
    {
        var series = days.OrderBy(d => d.Day).ToList();
        if (period.Start is null && series.Count == 0)
        {
            return new Histogram<T>(Histograms.Name(interval), []);
        }

        return Histograms.Build(series, period.Start ?? series[0].Day, period.End ?? today, interval);
    }

    /// <summary>The live records of a set.</summary>
    private static async Task<IQueryable<Record>> CandidatesAsync(StatsDbContext context, RecordSet records, CancellationToken cancellationToken)
    {
        var candidates = context.Records.Where(r => r.DeletedAt == null);
        if (records.Community is { } community)
        {
            var communityId = await CatalogKeys.CommunityIdOf(context, community).FirstOrDefaultAsync(cancellationToken);
            candidates = InCommunity(candidates, communityId);
        }

        if (records.OwnerId is { } owner)
        {
            candidates = candidates.Where(r => r.OwnerId == owner);
        }

        return candidates;
    }

    internal static IQueryable<Record> InCommunity(IQueryable<Record> records, int communityId) =>
        records.Where(r => r.Communities.Any(c => c.Id == communityId));

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    internal static string MetricName(UsageMetric metric) => metric switch
    {
        UsageMetric.Views => "views",
        UsageMetric.UniqueViews => "unique_views",
        UsageMetric.Downloads => "downloads",
        UsageMetric.UniqueDownloads => "unique_downloads",
        UsageMetric.DataVolume => "data_volume",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    // The query builders below are what EF translates; each is listed in SqlServerTranslationTests.

    /// <summary>The internal id of a scope's external id (none for an unknown one).</summary>
    internal static IQueryable<int> ScopeIdOf(StatsDbContext context, StatScope scope, string key) => scope switch
    {
        StatScope.Record => CatalogKeys.RecordIdOf(context, key),
        StatScope.Concept => CatalogKeys.LabelIdOf(context, LabelKind.Concept, key),
        StatScope.Community => CatalogKeys.CommunityIdOf(context, key),
        StatScope.Owner => CatalogKeys.LabelIdOf(context, LabelKind.Owner, key),
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Files are named by their record and key."),
    };

    /// <summary>
    /// The rows of one scope in a period: a range read of the primary key. An owner (a label id) has no rows of its own:
    /// its rows are those of its records, one range read per record (ADR-016).
    /// </summary>
    internal static IQueryable<UsageDailyStat> UsageRows(StatsDbContext context, StatScope scope, int id, DateOnly from, DateOnly to, AccessMethod? method)
    {
        var rows = scope switch
        {
            StatScope.Owner => context.Labels.Where(l => l.Id == id)
                .Join(context.Records, l => (string?)l.Value, r => r.OwnerId, (l, r) => r.Id)
                .Join(context.UsageDailyStats.Where(s => s.Scope == StatScope.Record && s.Day >= from && s.Day <= to), recordId => recordId, s => s.ScopeId, (recordId, s) => s),
            StatScope.Concept => ConceptRows(context, context.Labels.Where(l => l.Id == id), from, to),
            // A file's rows, and its record's rows that stand for them (ADR-020): a second range read of the key.
            StatScope.File => context.UsageDailyStats.Where(s => s.Scope == StatScope.File && s.ScopeId == id && s.Day >= from && s.Day <= to)
                .Concat(context.RecordFiles.Where(f => f.Id == id)
                    .Join(context.UsageDailyStats.Where(s => s.Scope == StatScope.Record && s.FileId == id && s.Day >= from && s.Day <= to), f => f.RecordId, s => s.ScopeId, (f, s) => s)),
            _ => context.UsageDailyStats.Where(s => s.Scope == scope && s.ScopeId == id && s.Day >= from && s.Day <= to),
        };
        return method is { } only ? rows.Where(s => s.AccessMethod == only) : rows;
    }

    /// <summary>
    /// The rows of some concepts (labels) in a period: each concept's own rows, and its versions' rows that stand for them
    /// (ADR-020), a range read of the key per version.
    /// </summary>
    internal static IQueryable<UsageDailyStat> ConceptRows(StatsDbContext context, IQueryable<Label> concepts, DateOnly from, DateOnly to)
    {
        var window = context.UsageDailyStats.Where(s => s.Day >= from && s.Day <= to);
        return concepts
            .Join(window.Where(s => s.Scope == StatScope.Concept), l => l.Id, s => s.ScopeId, (l, s) => s)
            .Concat(concepts
                .Join(context.Records, l => (string?)l.Value, v => v.ParentExternalId, (l, v) => new { Concept = (int?)l.Id, Version = v.Id })
                .Join(window.Where(s => s.Scope == StatScope.Record && s.ConceptId != null), c => new { c.Version, c.Concept }, s => new { Version = s.ScopeId, Concept = s.ConceptId }, (c, s) => s));
    }

    /// <summary>One row of sums, or none when the scope has no rows in the period. Not for concepts and files, whose rows are of two scopes.</summary>
    internal static IQueryable<UsageCounts> UsageTotals(StatsDbContext context, StatScope scope, int id, DateOnly from, DateOnly to, AccessMethod? method) =>
        UsageRows(context, scope, id, from, to, method)
            // By scope, not scope id: an owner's rows are its records', one scope id each.
            .GroupBy(s => s.Scope)
            .Select(g => new UsageCounts(
                g.Sum(s => (long)s.Views), g.Sum(s => (long)s.UniqueViews), g.Sum(s => (long)s.Downloads),
                g.Sum(s => (long)s.UniqueDownloads), g.Sum(s => s.Volume)));

    /// <summary>Sums per day (the access methods added up); the histogram buckets them in memory.</summary>
    internal static IQueryable<DailyUsage> UsagePerDay(StatsDbContext context, StatScope scope, int id, DateOnly from, DateOnly to, AccessMethod? method) =>
        PerDay(UsageRows(context, scope, id, from, to, method));

    /// <summary>Sums per day of some rows (the access methods added up).</summary>
    internal static IQueryable<DailyUsage> PerDay(IQueryable<UsageDailyStat> rows) =>
        rows
            .GroupBy(s => s.Day)
            .Select(g => new DailyUsage(g.Key, new UsageCounts(
                g.Sum(s => (long)s.Views), g.Sum(s => (long)s.UniqueViews), g.Sum(s => (long)s.Downloads),
                g.Sum(s => (long)s.UniqueDownloads), g.Sum(s => s.Volume))));

    /// <summary>One row of sums per access method that has rows in the period.</summary>
    internal static IQueryable<AccessMethodUsage> UsagePerAccessMethod(StatsDbContext context, StatScope scope, int id, DateOnly from, DateOnly to) =>
        UsageRows(context, scope, id, from, to, null)
            .GroupBy(s => s.AccessMethod)
            .Select(g => new AccessMethodUsage(g.Key, new UsageCounts(
                g.Sum(s => (long)s.Views), g.Sum(s => (long)s.UniqueViews), g.Sum(s => (long)s.Downloads),
                g.Sum(s => (long)s.UniqueDownloads), g.Sum(s => s.Volume))));

    /// <summary>The first and last day of a scope's imported rows in a period; none without any.</summary>
    internal static IQueryable<DayRange> ImportedDays(StatsDbContext context, StatScope scope, int id, DateOnly from, DateOnly to) =>
        UsageRows(context, scope, id, from, to, AccessMethod.Imported)
            .GroupBy(s => s.Scope)
            .Select(g => new DayRange(g.Min(s => s.Day), g.Max(s => s.Day)));

    /// <summary>The sources of some records' imported daily aggregates whose span of days meets the period's.</summary>
    internal static IQueryable<string> ImportSources(StatsDbContext context, IQueryable<Record> records, DateOnly from, DateOnly to) =>
        context.ImportedRecordSources
            .Where(s => s.FirstDay <= to && s.LastDay >= from)
            .Join(records, s => s.RecordId, r => r.Id, (s, r) => s.Source)
            .Distinct();

    internal static IQueryable<ScopeKey> RecordsAmong(StatsDbContext context, IReadOnlyCollection<string> recids) =>
        context.Records.Where(r => recids.Contains(r.ExternalId)).Select(r => new ScopeKey { Key = r.ExternalId, Id = r.Id });

    internal static IQueryable<ScopeKey> CommunitiesAmong(StatsDbContext context, IReadOnlyCollection<string> communities) =>
        context.Communities.Where(c => communities.Contains(c.ExternalId)).Select(c => new ScopeKey { Key = c.ExternalId, Id = c.Id });

    internal static IQueryable<ScopeKey> OwnersAmong(StatsDbContext context, IReadOnlyCollection<string> ownerIds) =>
        context.Labels.Where(l => l.Kind == LabelKind.Owner && ownerIds.Contains(l.Value)).Select(l => new ScopeKey { Key = l.Value, Id = l.Id });

    /// <summary>
    /// Sums per external id of the rows of some keys of one scope, driven by the keys (a few rows of a table). Owners are
    /// read through their records' rows, as in <see cref="UsageRows"/>.
    /// </summary>
    internal static IQueryable<KeyedUsage> UsageOfKeys(StatsDbContext context, StatScope scope, IQueryable<ScopeKey> keys, DateOnly from, DateOnly to)
    {
        var (rowScope, keyed) = scope == StatScope.Owner
            ? (StatScope.Record, keys.Join(context.Records, k => (string?)k.Key, r => r.OwnerId, (k, r) => new ScopeKey { Key = k.Key, Id = r.Id }))
            : (scope, keys);
        return keyed
            .Join(
                context.UsageDailyStats.Where(s => s.Scope == rowScope && s.Day >= from && s.Day <= to),
                k => k.Id, s => s.ScopeId, (k, s) => new { k.Key, s.Views, s.UniqueViews, s.Downloads, s.UniqueDownloads, s.Volume })
            .GroupBy(x => x.Key)
            .Select(g => new KeyedUsage(g.Key, new UsageCounts(
                g.Sum(x => (long)x.Views), g.Sum(x => (long)x.UniqueViews), g.Sum(x => (long)x.Downloads),
                g.Sum(x => (long)x.UniqueDownloads), g.Sum(x => x.Volume))));
    }

    internal static IQueryable<FileDownloadBucket> DownloadsPerFile(StatsDbContext context, int recordId, DateOnly from, DateOnly to, AccessMethod? method)
    {
        var rows = context.UsageDailyStats.Where(s => s.Scope == StatScope.File && s.Day >= from && s.Day <= to);
        // The record's rows that stand for one file's row (ADR-020).
        var recordRows = context.UsageDailyStats.Where(s => s.Scope == StatScope.Record && s.ScopeId == recordId && s.FileId != null && s.Day >= from && s.Day <= to);
        if (method is { } only)
        {
            rows = rows.Where(s => s.AccessMethod == only);
            recordRows = recordRows.Where(s => s.AccessMethod == only);
        }

        return context.RecordFiles
            .Where(f => f.RecordId == recordId)
            .Join(rows, f => f.Id, s => s.ScopeId, (f, s) => new { f.Key, s.Downloads, s.UniqueDownloads, s.Volume })
            .Concat(context.RecordFiles.Join(recordRows, f => f.Id, s => s.FileId, (f, s) => new { f.Key, s.Downloads, s.UniqueDownloads, s.Volume }))
            .GroupBy(x => x.Key)
            .Select(g => new { Key = g.Key, Downloads = g.Sum(x => (long)x.Downloads), UniqueDownloads = g.Sum(x => (long)x.UniqueDownloads), Volume = g.Sum(x => x.Volume) })
            .OrderByDescending(x => x.Downloads).ThenBy(x => x.Key)
            .Select(x => new FileDownloadBucket(x.Key, x.Downloads, x.UniqueDownloads, x.Volume));
    }

    internal static IQueryable<RecordInfo> RecordInfoOf(StatsDbContext context, string recid) =>
        context.Records
            .Where(r => r.ExternalId == recid)
            .Select(r => new RecordInfo(r.ExternalId, r.Title, r.ParentExternalId, r.OwnerId, r.DeletedAt != null));

    /// <summary>
    /// A scope's country rows in a period. A record's are its country rows and its usage rows that stand for its one country
    /// row of a day (ADR-020): a second range read of the key.
    /// </summary>
    internal static IQueryable<CountryDailyStat> CountryRows(StatsDbContext context, StatScope scope, int id, DateOnly from, DateOnly to)
    {
        var rows = context.CountryDailyStats.Where(s => s.Scope == scope && s.ScopeId == id && s.Day >= from && s.Day <= to);
        return scope != StatScope.Record
            ? rows
            : AsCountryRows(rows).Concat(FoldedCountryRows(context.UsageDailyStats.Where(s => s.Scope == StatScope.Record && s.ScopeId == id && s.Day >= from && s.Day <= to)));
    }

    /// <summary>Country rows in the shape of <see cref="FoldedCountryRows"/>, so that the two can be concatenated.</summary>
    internal static IQueryable<CountryDailyStat> AsCountryRows(IQueryable<CountryDailyStat> rows) =>
        rows.Select(s => new CountryDailyStat
        {
            Day = s.Day, Scope = s.Scope, ScopeId = s.ScopeId, Country = s.Country,
            Views = s.Views, UniqueViews = s.UniqueViews, Downloads = s.Downloads, UniqueDownloads = s.UniqueDownloads,
        });

    /// <summary>The record rows among <paramref name="recordRows"/> that stand for their record's one country row of the day, read as that row.</summary>
    internal static IQueryable<CountryDailyStat> FoldedCountryRows(IQueryable<UsageDailyStat> recordRows) =>
        recordRows
            .Where(s => s.Country != null)
            .Select(s => new CountryDailyStat
            {
                Day = s.Day, Scope = s.Scope, ScopeId = s.ScopeId, Country = s.Country!,
                Views = s.Views, UniqueViews = s.UniqueViews, Downloads = s.Downloads, UniqueDownloads = s.UniqueDownloads,
            });

    internal static IQueryable<CountryBucket> UsagePerCountry(StatsDbContext context, StatScope scope, int id, DateOnly from, DateOnly to) =>
        CountryRows(context, scope, id, from, to)
            .GroupBy(s => s.Country)
            .Select(g => new
            {
                Country = g.Key,
                Views = g.Sum(s => (long)s.Views),
                UniqueViews = g.Sum(s => (long)s.UniqueViews),
                Downloads = g.Sum(s => (long)s.Downloads),
                UniqueDownloads = g.Sum(s => (long)s.UniqueDownloads),
            })
            .OrderByDescending(x => x.Views).ThenByDescending(x => x.Downloads).ThenBy(x => x.Country)
            .Select(x => new CountryBucket(x.Country, x.Views, x.UniqueViews, x.Downloads, x.UniqueDownloads));

    /// <summary>
    /// Each candidate's sum as a correlated subquery: one range read of the key per record, driven by the candidates (a
    /// community's or an owner's records). A join would let the planner scan every record's rows of the period instead.
    /// Records without usage sort last with 0; callers drop them.
    /// </summary>
    internal static IQueryable<RankedRecord> TopRecords(
        StatsDbContext context, IQueryable<Record> candidates, UsageMetric metric, DateOnly from, DateOnly to, AccessMethod? method, int size)
    {
        var values = RecordRows(context, from, to, method).Select(MetricOf(metric));
        return candidates
            .Select(r => new { r.ExternalId, r.Title, Value = values.Where(v => v.ScopeId == r.Id).Sum(v => v.Value) })
            .OrderByDescending(x => x.Value).ThenBy(x => x.ExternalId)
            .Take(size)
            .Select(x => new RankedRecord(x.ExternalId, x.Title, x.Value));
    }

    /// <summary>
    /// Each candidate's sums in both periods as correlated subqueries, as <see cref="TopRecords"/> reads them, ordered by their
    /// difference or their ratio in the database so that the ranking covers every candidate, not a page of them.
    /// </summary>
    internal static IQueryable<RecordChange> TopRecordChanges(
        StatsDbContext context, IQueryable<Record> candidates, UsageMetric metric, Period period, Period previous, ChangeOrder order, int size)
    {
        var current = RecordRows(context, period.From, period.To, null).Select(MetricOf(metric));
        var before = RecordRows(context, previous.From, previous.To, null).Select(MetricOf(metric));
        var sums = candidates
            .Select(r => new
            {
                r.ExternalId,
                r.Title,
                Current = current.Where(v => v.ScopeId == r.Id).Sum(v => v.Value),
                Previous = before.Where(v => v.ScopeId == r.Id).Sum(v => v.Value),
            })
            .Where(x => x.Current > 0 || x.Previous > 0);
        var ordered = order == ChangeOrder.Absolute
            ? sums.OrderByDescending(x => x.Current - x.Previous)
            : sums.OrderBy(x => x.Previous == 0 ? 1 : 0)
                .ThenByDescending(x => x.Previous == 0 ? 0.0 : (double)(x.Current - x.Previous) / x.Previous)
                .ThenByDescending(x => x.Current);
        return ordered.ThenBy(x => x.ExternalId)
            .Take(size)
            .Select(x => new RecordChange(x.ExternalId, x.Title, x.Current, x.Previous));
    }

    /// <summary>Each community's sum as a correlated subquery over its own scope's rows, as <see cref="TopRecords"/> does for records.</summary>
    internal static IQueryable<RankedCommunity> TopCommunities(StatsDbContext context, UsageMetric metric, DateOnly from, DateOnly to, int size)
    {
        var values = context.UsageDailyStats.Where(s => s.Scope == StatScope.Community && s.Day >= from && s.Day <= to).Select(MetricOf(metric));
        return context.Communities
            .Select(c => new { c.ExternalId, c.Name, Value = values.Where(v => v.ScopeId == c.Id).Sum(v => v.Value) })
            .OrderByDescending(x => x.Value).ThenBy(x => x.ExternalId)
            .Take(size)
            .Select(x => new RankedCommunity(x.ExternalId, x.Name, x.Value));
    }

    /// <summary>
    /// Each owner's sum over its records' rows of the period, grouped by the records' owner: owners have no rows of their
    /// own (ADR-016), and one pass over the period's record rows costs less than a range read per owner and record.
    /// </summary>
    internal static IQueryable<RankedOwner> TopOwners(StatsDbContext context, UsageMetric metric, DateOnly from, DateOnly to, int size)
    {
        var values = RecordRows(context, from, to, null).Select(MetricOf(metric));
        return values
            .Join(context.Records.Where(r => r.OwnerId != null), v => v.ScopeId, r => r.Id, (v, r) => new { r.OwnerId, v.Value })
            .GroupBy(x => x.OwnerId!)
            .Select(g => new { Value = g.Key, Sum = g.Sum(x => x.Value) })
            .OrderByDescending(x => x.Sum).ThenBy(x => x.Value)
            .Take(size)
            .Select(x => new RankedOwner(x.Value, x.Sum));
    }

    /// <summary>The rows of every record in a period (to be narrowed to one record by a correlated condition).</summary>
    internal static IQueryable<UsageDailyStat> RecordRows(StatsDbContext context, DateOnly from, DateOnly to, AccessMethod? method)
    {
        var rows = context.UsageDailyStats.Where(s => s.Scope == StatScope.Record && s.Day >= from && s.Day <= to);
        return method is { } only ? rows.Where(s => s.AccessMethod == only) : rows;
    }

    /// <summary>The live records among some internal ids, in recid order.</summary>
    internal static IQueryable<LiveRecord> LiveRecordsAmong(StatsDbContext context, IReadOnlyCollection<int> ids) =>
        context.Records
            .Where(r => ids.Contains(r.Id) && r.DeletedAt == null)
            .OrderBy(r => r.ExternalId)
            .Select(r => new LiveRecord(r.Id, r.ExternalId, r.Title));

    /// <summary>
    /// The usage of records by their catalog ids, zeros for those without rows: each sum is a correlated subquery over one
    /// record's range of the key, so that every provider seeks the key once per record whatever it estimates. One statement
    /// over "ScopeId IN (…)" and the period was read by PostgreSQL through the day index at 10 M events: every record row of
    /// the year, 1 s for the Overview's ten records.
    /// </summary>
    internal static IQueryable<RecordUsageRow> UsageOfRecords(StatsDbContext context, IReadOnlyCollection<int> ids, DateOnly from, DateOnly to)
    {
        var rows = RecordRows(context, from, to, null);
        return context.Records
            .Where(r => ids.Contains(r.Id))
            .Select(r => new RecordUsageRow(r.Id, new RecordUsage(
                rows.Where(s => s.ScopeId == r.Id).Sum(s => (long)s.Views),
                rows.Where(s => s.ScopeId == r.Id).Sum(s => (long)s.UniqueViews),
                rows.Where(s => s.ScopeId == r.Id).Sum(s => (long)s.Downloads),
                rows.Where(s => s.ScopeId == r.Id).Sum(s => (long)s.UniqueDownloads),
                rows.Where(s => s.ScopeId == r.Id).Sum(s => s.Volume))));
    }

    private static Expression<Func<UsageDailyStat, ScopeValue>> MetricOf(UsageMetric metric) => metric switch
    {
        UsageMetric.Views => s => new ScopeValue { ScopeId = s.ScopeId, Value = s.Views },
        UsageMetric.UniqueViews => s => new ScopeValue { ScopeId = s.ScopeId, Value = s.UniqueViews },
        UsageMetric.Downloads => s => new ScopeValue { ScopeId = s.ScopeId, Value = s.Downloads },
        UsageMetric.UniqueDownloads => s => new ScopeValue { ScopeId = s.ScopeId, Value = s.UniqueDownloads },
        UsageMetric.DataVolume => s => new ScopeValue { ScopeId = s.ScopeId, Value = s.Volume },
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    internal sealed record RecordUsageRow(int RecordId, RecordUsage Usage);

    internal sealed record LiveRecord(int Id, string Recid, string? Title);

    internal sealed record AccessMethodUsage(AccessMethod Method, UsageCounts Counts);

    internal sealed record KeyedUsage(string Key, UsageCounts Counts);

    internal sealed record DayRange(DateOnly From, DateOnly To);

    /// <summary>An external id and its internal one; a member-initialised class, so that EF can keep composing the query after it.</summary>
    internal sealed class ScopeKey
    {
        public string Key { get; init; } = "";

        public int Id { get; init; }
    }

    /// <summary>
    /// One metric of one row (a long: the data volume is one); a member-initialised class, so that EF can keep composing the
    /// query after it.
    /// </summary>
    internal sealed class ScopeValue
    {
        public int ScopeId { get; init; }

        public long Value { get; init; }
    }
}

/// <summary>Which records a ranking considers: all of them, a community's, an owner's.</summary>
public readonly record struct RecordSet(string? Community = null, string? OwnerId = null);
