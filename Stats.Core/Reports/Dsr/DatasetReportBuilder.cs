using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;

namespace Stats.Core.Reports.Dsr;

/// <summary>A report that cannot be made: a SUSHI exception with its code (3020 bad dates, 3031 usage not ready).</summary>
public sealed class DsrReportException : Exception
{
    public DsrReportException(DsrExceptionInfo error)
        : base($"{error.Code} {error.Message}" + (error.Data is null ? "" : $": {error.Data}"))
    {
        Error = error;
    }

    public DsrReportException()
        : this(new DsrExceptionInfo(0, "error", "Unknown error"))
    {
    }

    public DsrReportException(string message)
        : this(new DsrExceptionInfo(0, "error", message))
    {
    }

    public DsrReportException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new DsrExceptionInfo(0, "error", message);
    }

    public DsrExceptionInfo Error { get; }

    public static DsrReportException InvalidDates(string data) => new(new DsrExceptionInfo(3020, "error", "Invalid Date Arguments", data));

    public static DsrReportException NotReady(string data) => new(new DsrExceptionInfo(3031, "error", "Usage Not Ready for Requested Dates", data));
}

/// <summary>Usage of one record, one access method and one month, summed by the database.</summary>
internal sealed record DatasetUsageRow(int RecordId, AccessMethod AccessMethod, long Investigations, long UniqueInvestigations, long Requests, long UniqueRequests, long Volume);

/// <summary>Investigations and requests of one record from one country in one month (both access methods).</summary>
internal sealed record DatasetCountryRow(int RecordId, string Country, long Investigations, long Requests);

/// <summary>What the report says about a record besides its usage.</summary>
internal sealed record DatasetRow(int RecordId, string Recid, string? Title, DateTime? PublishedAt);

/// <summary>
/// Builds the Make Data Count dataset report (DSR, release rd1) of whole months from the daily record aggregates: every
/// record with usage is a dataset, with one performance entry per month that had usage, and one instance per metric and
/// access method whose count is above zero. COUNTER's rules were applied by the aggregator; nothing is recounted here.
/// <list type="bullet">
/// <item>Months must be over (before today, UTC) and have no day waiting for aggregation, or the report is refused with
/// 3031; a range without usage gives an empty report with the warning 3030.</item>
/// <item><c>volume</c> (bytes) is given on the <c>total-dataset-requests</c> instances.</item>
/// <item><c>country-counts</c> are given for the two totals (investigations = views + downloads; requests = downloads),
/// which add up exactly. Unique investigations per country would not (a session that views and downloads would count
/// twice), so unique metrics have none. The aggregates keep countries for both access methods together, so the counts
/// are given only when the dataset's usage that month had one access method; unknown countries (ZZ) are left out.</item>
/// <item>Only what the reader may see (ADR-009): a dataset whose usage the access rules hide from the reader is left out, and
/// its country counts when its countries are hidden.</item>
/// </list>
/// </summary>
public sealed class DatasetReportBuilder(
    IDbContextFactory<StatsDbContext> contexts, TimeProvider clock, IOptions<DsrOptions> options, IOptions<SushiOptions> counterOptions, AccessPolicy policy)
{
    public const string ReportName = "dataset report";
    public const string ReportId = "dsr";
    public const string Release = "rd1";

    /// <summary>
    /// The report of the months from <paramref name="firstMonth"/> to <paramref name="lastMonth"/> (any day of each), of the
    /// usage <paramref name="reader"/> may see.
    /// </summary>
    /// <exception cref="DsrReportException">3020 for a bad range, 3031 when a month is not over or not fully aggregated.</exception>
    public async Task<DatasetReport> BuildAsync(DateOnly firstMonth, DateOnly lastMonth, StatsViewer reader, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var begin = new DateOnly(firstMonth.Year, firstMonth.Month, 1);
        var end = new DateOnly(lastMonth.Year, lastMonth.Month, DateTime.DaysInMonth(lastMonth.Year, lastMonth.Month));
        if (end < begin)
        {
            throw DsrReportException.InvalidDates($"The end month {end:yyyy-MM} is before the begin month {begin:yyyy-MM}.");
        }

        if (begin > today)
        {
            throw DsrReportException.InvalidDates($"The begin month {begin:yyyy-MM} is in the future.");
        }

        if (end >= today)
        {
            throw DsrReportException.NotReady($"{end:yyyy-MM} is not over yet (today is {DsrDates.Day(today)}, UTC).");
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var dirty = await DirtyDaysBetween(context, begin, end).ToListAsync(cancellationToken);
        if (dirty.Count > 0)
        {
            throw DsrReportException.NotReady($"{dirty.Count} day(s) from {DsrDates.Day(dirty[0])} are waiting for aggregation.");
        }

        var withImports = counterOptions.Value.IncludeImportedUsage;
        var importedMonths = new List<string>();
        var used = await DatasetsUsedBetween(context, begin, end, withImports).ToListAsync(cancellationToken);
        var hidden = await HiddenAsync(reader, StatFamily.Usage, used, cancellationToken);
        var datasets = used.Where(d => !hidden.Contains(d.Recid)).ToList();
        var countriesHidden = await HiddenAsync(reader, StatFamily.Countries, datasets, cancellationToken);
        var months = new List<(DateOnly Begin, DateOnly End, ILookup<int, DatasetUsageRow> Usage, ILookup<int, DatasetCountryRow> Countries)>();
        for (var month = begin; month <= end; month = month.AddMonths(1))
        {
            var monthEnd = new DateOnly(month.Year, month.Month, DateTime.DaysInMonth(month.Year, month.Month));
            var usage = await UsagePerDataset(context, month, monthEnd, withImports).ToListAsync(cancellationToken);
            if (usage.Any(u => u.AccessMethod == AccessMethod.Imported))
            {
                importedMonths.Add($"{month:yyyy-MM}");
                usage = WithImportsAsRegular(usage);
            }

            var countries = usage.Count == 0 ? [] : await CountriesPerDataset(context, month, monthEnd).ToListAsync(cancellationToken);
            months.Add((month, monthEnd, usage.ToLookup(u => u.RecordId), countries.ToLookup(c => c.RecordId)));
        }

        var settings = options.Value;
        var report = new List<DatasetUsage>(datasets.Count);
        foreach (var dataset in datasets.OrderBy(d => d.Recid, StringComparer.Ordinal))
        {
            var performance = new List<DsrPerformance>();
            foreach (var (monthBegin, monthEnd, usage, countries) in months)
            {
                var instances = Instances([.. usage[dataset.RecordId]], countriesHidden.Contains(dataset.Recid) ? [] : [.. countries[dataset.RecordId]]);
                if (instances.Count > 0)
                {
                    performance.Add(new DsrPerformance(DsrPeriod.Of(monthBegin, monthEnd), instances));
                }
            }

            if (performance.Count > 0)
            {
                report.Add(Dataset(dataset, performance, settings));
            }
        }

        var period = DsrPeriod.Of(begin, end);
        var exceptions = new List<DsrExceptionInfo>();
        if (report.Count == 0)
        {
            exceptions.Add(new DsrExceptionInfo(3030, "warning", "No Usage Available for Requested Dates", $"No dataset was used from {period.BeginDate} to {period.EndDate}."));
        }

        if (importedMonths.Count > 0)
        {
            exceptions.Add(new DsrExceptionInfo(0, "info", "Info or Debug",
                $"Usage of {string.Join(", ", importedMonths)} includes daily aggregates imported from another system (counted by its rules, not COUNTER's), reported as regular."));
        }

        return new DatasetReport(
            ReportName, ReportId, Release, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            settings.CreatedBy, period, [new DsrNameValue("begin-date", period.BeginDate), new DsrNameValue("end-date", period.EndDate)], [],
            exceptions, report);
    }

    /// <summary>The recids of <paramref name="datasets"/> whose <paramref name="family"/> statistics the reader may not see.</summary>
    private Task<IReadOnlySet<string>> HiddenAsync(StatsViewer reader, StatFamily family, List<DatasetRow> datasets, CancellationToken cancellationToken) =>
        policy.HiddenRecordsAsync(reader, family, [.. datasets.Select(d => d.Recid)], cancellationToken);

    /// <summary>The instances of one dataset in one month: per access method, the four metrics above zero.</summary>
    internal static List<DsrInstance> Instances(IReadOnlyList<DatasetUsageRow> usage, IReadOnlyList<DatasetCountryRow> countries)
    {
        var instances = new List<DsrInstance>();
        // Countries are kept for both access methods together: they belong to an access method only if it was the only one.
        var used = usage.Where(u => u.Investigations > 0).ToList();
        var withCountries = used.Count == 1 ? used[0].AccessMethod : (AccessMethod?)null;
        foreach (var row in usage.OrderBy(u => u.AccessMethod))
        {
            var method = row.AccessMethod == AccessMethod.Machine ? DsrMetrics.Machine : DsrMetrics.Regular;
            var countryCounts = row.AccessMethod == withCountries;
            Add(DsrMetrics.TotalInvestigations, row.Investigations, countryCounts ? CountryCounts(countries, c => c.Investigations) : null, null);
            Add(DsrMetrics.UniqueInvestigations, row.UniqueInvestigations, null, null);
            Add(DsrMetrics.TotalRequests, row.Requests, countryCounts ? CountryCounts(countries, c => c.Requests) : null, row.Volume);
            Add(DsrMetrics.UniqueRequests, row.UniqueRequests, null, null);

            void Add(string metric, long count, IReadOnlyDictionary<string, long>? byCountry, long? volume)
            {
                if (count > 0)
                {
                    instances.Add(new DsrInstance(metric, method, count, byCountry, volume));
                }
            }
        }

        return instances;
    }

    private static SortedDictionary<string, long>? CountryCounts(IReadOnlyList<DatasetCountryRow> countries, Func<DatasetCountryRow, long> count)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in countries.Where(c => count(c) > 0))
        {
            counts[row.Country.ToLowerInvariant()] = count(row);
        }

        return counts.Count == 0 ? null : counts;
    }

    private static DatasetUsage Dataset(DatasetRow dataset, List<DsrPerformance> performance, DsrOptions settings) => new(
        DatasetTitle: string.IsNullOrWhiteSpace(dataset.Title) ? dataset.Recid : dataset.Title,
        DatasetId: [Identifier(dataset.Recid, settings.DatasetIdentifierTemplate)],
        DatasetDates: dataset.PublishedAt is { } published ? [new DsrTypeValue("pub-date", DsrDates.Day(DateOnly.FromDateTime(published)))] : null,
        Platform: settings.PlatformName,
        Publisher: settings.Publisher,
        PublisherId: settings.PublisherId.Length == 0 ? [] : [new DsrTypeValue(settings.PublisherIdType, settings.PublisherId)],
        DataType: "dataset",
        // COUNTER's "unknown" year of publication.
        Yop: dataset.PublishedAt is { } at ? at.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) : "0001",
        Performance: performance);

    /// <summary>The dataset's identifier: a DOI, a URI, or the recid itself (proprietary) without a template.</summary>
    internal static DsrTypeValue Identifier(string recid, string template)
    {
        if (template.Length == 0)
        {
            return new DsrTypeValue("proprietary", recid);
        }

        var value = template.Replace(DsrOptions.RecidPlaceholder, recid, StringComparison.Ordinal);
        foreach (var resolver in new[] { "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:" })
        {
            if (value.StartsWith(resolver, StringComparison.OrdinalIgnoreCase) && value[resolver.Length..].StartsWith("10.", StringComparison.Ordinal))
            {
                return new DsrTypeValue("doi", value[resolver.Length..]);
            }
        }

        if (value.StartsWith("10.", StringComparison.Ordinal))
        {
            return new DsrTypeValue("doi", value);
        }

        return Uri.IsWellFormedUriString(value, UriKind.Absolute) ? new DsrTypeValue("uri", value) : new DsrTypeValue("proprietary", value);
    }

    // The query builders below are what EF translates; each is listed in SqlServerTranslationTests.

    /// <summary>Days of the range whose raw events changed since they were aggregated, oldest first.</summary>
    internal static IQueryable<DateOnly> DirtyDaysBetween(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.DirtyDays.Where(d => d.Day >= from && d.Day <= to).Select(d => d.Day).OrderBy(d => d);

    /// <summary>Imported rows added to the regular ones of their record: the report has no other access method for them.</summary>
    private static List<DatasetUsageRow> WithImportsAsRegular(List<DatasetUsageRow> usage) =>
        [.. usage
            .GroupBy(u => (u.RecordId, Method: u.AccessMethod == AccessMethod.Imported ? AccessMethod.Regular : u.AccessMethod))
            .Select(g => new DatasetUsageRow(
                g.Key.RecordId, g.Key.Method, g.Sum(u => u.Investigations), g.Sum(u => u.UniqueInvestigations), g.Sum(u => u.Requests),
                g.Sum(u => u.UniqueRequests), g.Sum(u => u.Volume)))];

    /// <summary>The records with usage in the range (imported usage only when the report includes it).</summary>
    internal static IQueryable<DatasetRow> DatasetsUsedBetween(StatsDbContext context, DateOnly from, DateOnly to, bool includeImported = false) =>
        context.Records
            .Where(r => context.UsageDailyStats.Any(s => s.Scope == StatScope.Record && s.ScopeId == r.Id && s.Day >= from && s.Day <= to
                && (includeImported || s.AccessMethod != AccessMethod.Imported)))
            .Select(r => new DatasetRow(r.Id, r.ExternalId, r.Title, r.PublishedAt));

    /// <summary>Sums per record and access method over the range.</summary>
    internal static IQueryable<DatasetUsageRow> UsagePerDataset(StatsDbContext context, DateOnly from, DateOnly to, bool includeImported = false) =>
        context.UsageDailyStats
            .Where(s => s.Scope == StatScope.Record && s.Day >= from && s.Day <= to && (includeImported || s.AccessMethod != AccessMethod.Imported))
            .GroupBy(s => new { s.ScopeId, s.AccessMethod })
            .Select(g => new DatasetUsageRow(
                g.Key.ScopeId, g.Key.AccessMethod, g.Sum(s => (long)s.Investigations), g.Sum(s => (long)s.UniqueInvestigations),
                g.Sum(s => (long)s.Downloads), g.Sum(s => (long)s.UniqueDownloads), g.Sum(s => s.Volume)));

    /// <summary>Investigations (views and downloads) and requests per record and known country over the range.</summary>
    internal static IQueryable<DatasetCountryRow> CountriesPerDataset(StatsDbContext context, DateOnly from, DateOnly to) =>
        UsageStats.AsCountryRows(context.CountryDailyStats.Where(s => s.Scope == StatScope.Record && s.Day >= from && s.Day <= to))
            // With the record rows that stand for their record's one country row (ADR-020).
            .Concat(UsageStats.FoldedCountryRows(context.UsageDailyStats.Where(s => s.Scope == StatScope.Record && s.Day >= from && s.Day <= to)))
            .Where(s => s.Country != CountryDailyStat.Unknown)
            .GroupBy(s => new { s.ScopeId, s.Country })
            .Select(g => new DatasetCountryRow(g.Key.ScopeId, g.Key.Country, g.Sum(s => (long)s.Views + s.Downloads), g.Sum(s => (long)s.Downloads)));
}
