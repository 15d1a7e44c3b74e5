using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Catalog;
using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Retention;

namespace Stats.Core.Investigation;

/// <summary>
/// The admin investigation of raw views and downloads (issue 15): who hammers a record, from which network, with which
/// tool. Reads raw events, so it works only while retention keeps them. Every call leaves an <see cref="InvestigationTrace"/>.
/// </summary>
public interface IInvestigationQueries
{
    Task<InvestigationSummary> SummarizeAsync(InvestigationRequest request, string askedBy, CancellationToken cancellationToken = default);

    Task<InvestigationEventPage> EventsAsync(
        InvestigationRequest request, InvestigationFilter filter, int offset, int limit, string askedBy, CancellationToken cancellationToken = default);

    /// <summary>Every raw event of the request, in time order, for the NDJSON and bulk exports.</summary>
    IAsyncEnumerable<InvestigationEvent> ExportAsync(InvestigationRequest request, InvestigationFilter filter, string askedBy, CancellationToken cancellationToken = default);

    /// <summary>The latest investigation and audit queries, newest first (the Admin page's audit list).</summary>
    Task<IReadOnlyList<InvestigationTrace>> TracesAsync(int limit, CancellationToken cancellationToken = default);
}

/// <inheritdoc />
public sealed class InvestigationQueries(IDbContextFactory<StatsDbContext> contexts, IOptions<RetentionOptions> retention, TimeProvider clock)
    : IInvestigationQueries
{
    /// <summary>How many names each "top" list shows.</summary>
    public const int TopCount = 10;

    /// <summary>Raw events one investigation reads at most: a month of a whole busy repository would not fit in memory.</summary>
    public const int MaxEvents = 2_000_000;

    private static readonly short s_view = EventCatalog.CodeOf(EventCatalog.RecordView);
    private static readonly short s_download = EventCatalog.CodeOf(EventCatalog.FileDownload);

    public async Task<InvestigationSummary> SummarizeAsync(InvestigationRequest request, string askedBy, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        await TraceAsync(context, askedBy, InvestigationKind.Investigation, request.Subject, request, cancellationToken);
        var events = await ReadAsync(context, request, cancellationToken);
        var names = await NamesAsync(context, events, cancellationToken);

        var hours = events.GroupBy(e => Hour(e.Row.Timestamp)).OrderBy(g => g.Key)
            .Select(g => new InvestigationHour(
                g.Key, g.Count(e => e.Category == EventCategory.Counted), g.Count(e => e.Category == EventCategory.DoubleClick),
                g.Count(e => e.Category == EventCategory.Robot), g.Count(e => e.Category == EventCategory.Machine)))
            .ToList();
        var visitors = events.Where(e => e.Row.VisitorHash is not null)
            .GroupBy(e => (Visitor: e.Row.VisitorHash!.Value, Day: DateOnly.FromDateTime(e.Row.Timestamp)))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Day).Take(TopCount)
            .Select(g => new InvestigationVisitor(
                Hex(g.Key.Visitor), g.Key.Day, g.Count(), g.Count(e => e.Category is EventCategory.Counted or EventCategory.Machine),
                MostCommon(g.Select(e => names.Label(e.Row.OrganisationId))), MostCommon(g.Select(e => names.Label(e.Row.AgentId))),
                [.. g.GroupBy(e => names.Touched(e.Row)).OrderByDescending(t => t.Count()).Take(3).Select(t => $"{t.Key} ({t.Count():N0})")]))
            .ToList();
        return new InvestigationSummary(
            request, events.Count, hours,
            Top(events.Select(e => names.Label(e.Row.OrganisationId))),
            Top(events.Select(e => names.Label(e.Row.AgentId))),
            Top(events.Select(e => names.Label(e.Row.ReferrerId))),
            Top(events.Select(e => e.Row.Country?.Trim())),
            visitors,
            retention.Value.HorizonAt(clock.GetUtcNow()));
    }

    public async Task<InvestigationEventPage> EventsAsync(
        InvestigationRequest request, InvestigationFilter filter, int offset, int limit, string askedBy, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        await TraceAsync(context, askedBy, InvestigationKind.RawEvents, request.Subject, request, cancellationToken);
        var events = Filter(await ReadAsync(context, request, cancellationToken), filter);
        var page = events.Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 1000)).ToList();
        var names = await NamesAsync(context, page, cancellationToken);
        return new InvestigationEventPage([.. page.Select(names.Describe)], events.Count);
    }

    public async IAsyncEnumerable<InvestigationEvent> ExportAsync(
        InvestigationRequest request, InvestigationFilter filter, string askedBy, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        await TraceAsync(context, askedBy, InvestigationKind.RawEvents, request.Subject + " (export)", request, cancellationToken);
        var events = Filter(await ReadAsync(context, request, cancellationToken), filter);
        var names = await NamesAsync(context, events, cancellationToken);
        foreach (var e in events)
        {
            yield return names.Describe(e);
        }
    }

    public async Task<IReadOnlyList<InvestigationTrace>> TracesAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await context.InvestigationTraces.AsNoTracking().OrderByDescending(t => t.AskedAt).ThenByDescending(t => t.Id)
            .Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Records that someone looked: before the query runs, so that a query that fails or is cancelled still leaves its trace.</summary>
    internal async Task TraceAsync(StatsDbContext context, string askedBy, InvestigationKind kind, string subject, InvestigationRequest? range, CancellationToken cancellationToken)
    {
        context.InvestigationTraces.Add(new InvestigationTrace
        {
            AskedAt = clock.GetUtcNow().UtcDateTime,
            AskedBy = Cut(askedBy),
            Kind = kind,
            Subject = Cut(subject),
            From = range?.From ?? default,
            To = range?.To ?? default,
        });
        await context.SaveChangesAsync(cancellationToken);
        context.ChangeTracker.Clear();
    }

    /// <summary>The views and downloads of the request in time order, each with how counting treats it.</summary>
    private static async Task<List<Categorised>> ReadAsync(StatsDbContext context, InvestigationRequest request, CancellationToken cancellationToken)
    {
        if (request.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        var scoped = await ScopeAsync(context, request, cancellationToken);
        return scoped is null ? [] : await ReadAsync(scoped, request, cancellationToken);
    }

    /// <summary>The events of <paramref name="scoped"/> in the range of <paramref name="range"/>, categorised and named (the audits' read).</summary>
    internal static async Task<List<InvestigationEvent>> ReadEventsAsync(StatsDbContext context, IQueryable<RawEvent> scoped, InvestigationRequest range, CancellationToken cancellationToken)
    {
        var events = await ReadAsync(scoped, range, cancellationToken);
        var names = await NamesAsync(context, events, cancellationToken);
        return [.. events.Select(names.Describe)];
    }

    /// <summary>Raw views and downloads of a record (what the investigation and the audits read).</summary>
    internal static IQueryable<RawEvent> Usage(StatsDbContext context) =>
        context.RawEvents.AsNoTracking().Where(e => (e.TypeId == s_view || e.TypeId == s_download) && e.RecordId != null);

    private static async Task<List<Categorised>> ReadAsync(IQueryable<RawEvent> scoped, InvestigationRequest request, CancellationToken cancellationToken)
    {
        // The range is read through the (Timestamp, TypeId, RecordId) index, whose entries answer the scope's record
        // filter before any row is read: ADR-015 says why the record is not first.
        var rows = await scoped.Where(e => e.Timestamp >= request.From && e.Timestamp < request.To)
            .OrderBy(e => e.Timestamp).ThenBy(e => e.Id)
            .Take(MaxEvents)
            .Select(e => new Row(e.Id, e.TypeId, e.Timestamp, e.RecordId, e.FileId, e.Country, e.Traits, e.VisitorHash, e.SessionHash, e.OrganisationId, e.ReferrerId, e.AgentId))
            .ToListAsync(cancellationToken);
        // A click in the first seconds after the range can still remove the range's last one as a double-click.
        var end = request.To + CounterRules.DoubleClickWindow;
        var followers = await scoped.Where(e => e.Timestamp >= request.To && e.Timestamp <= end)
            .Select(e => new Row(e.Id, e.TypeId, e.Timestamp, e.RecordId, e.FileId, e.Country, e.Traits, e.VisitorHash, e.SessionHash, e.OrganisationId, e.ReferrerId, e.AgentId))
            .ToListAsync(cancellationToken);
        return Categorise(rows, followers);
    }

    /// <summary>The views and downloads of the request's scope, or null when its record, file or community is unknown.</summary>
    private static async Task<IQueryable<RawEvent>?> ScopeAsync(StatsDbContext context, InvestigationRequest request, CancellationToken cancellationToken)
    {
        var usage = Usage(context);
        switch (request.Scope)
        {
            case InvestigationScope.Repository:
                return usage;
            case InvestigationScope.Record or InvestigationScope.File:
                var recordId = await CatalogKeys.RecordIdOf(context, request.Id!).FirstOrDefaultAsync(cancellationToken);
                if (recordId == 0)
                {
                    return null;
                }

                if (request.Scope == InvestigationScope.Record)
                {
                    return usage.Where(e => e.RecordId == recordId);
                }

                var fileId = await CatalogKeys.FileIdOf(context, recordId, request.FileKey!).FirstOrDefaultAsync(cancellationToken);
                return fileId == 0 ? null : usage.Where(e => e.RecordId == recordId && e.FileId == fileId);
            default:
                var recordIds = await context.Records.Where(r => r.Communities.Any(c => c.ExternalId == request.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
                return recordIds.Count == 0 ? null : usage.Where(e => recordIds.Contains(e.RecordId!.Value));
        }
    }

    /// <summary>Robots out, then double-clicks removed by the one rule aggregation uses (<see cref="CounterRules.RemoveDoubleClicks"/>).</summary>
    private static List<Categorised> Categorise(List<Row> rows, List<Row> followers)
    {
        var kept = new Dictionary<UsageClick, int>();
        foreach (var click in CounterRules.RemoveDoubleClicks(rows.Where(r => !IsRobot(r)).Select(Click), followers.Where(r => !IsRobot(r)).Select(Click)))
        {
            kept[click] = kept.GetValueOrDefault(click) + 1;
        }

        var categorised = new List<Categorised>(rows.Count);
        foreach (var row in rows)
        {
            EventCategory category;
            if (IsRobot(row))
            {
                category = EventCategory.Robot;
            }
            else if (kept.TryGetValue(Click(row), out var left) && left > 0)
            {
                // Clicks equal in every field are interchangeable: which of them counts does not matter.
                kept[Click(row)] = left - 1;
                category = (row.Traits & EventTraits.Machine) != 0 ? EventCategory.Machine : EventCategory.Counted;
            }
            else
            {
                category = EventCategory.DoubleClick;
            }

            categorised.Add(new Categorised(row, category));
        }

        return categorised;
    }

    private static bool IsRobot(Row row) => (row.Traits & EventTraits.Robot) != 0;

    private static UsageClick Click(Row row) =>
        new(row.Timestamp, row.RecordId!.Value, row.TypeId == s_download ? row.FileId : null, row.VisitorHash, row.SessionHash, row.Traits);

    private static List<Categorised> Filter(List<Categorised> events, InvestigationFilter filter) =>
        filter.Visitor is { Length: > 0 } visitor && long.TryParse(visitor, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash)
            ? [.. events.Where(e => e.Row.VisitorHash == hash)]
            : filter.Visitor is { Length: > 0 } ? [] : events;

    private static async Task<Names> NamesAsync(StatsDbContext context, IReadOnlyCollection<Categorised> events, CancellationToken cancellationToken)
    {
        var labelIds = events.SelectMany(e => (int?[])[e.Row.OrganisationId, e.Row.ReferrerId, e.Row.AgentId]).OfType<int>().Distinct().ToList();
        var recordIds = events.Select(e => e.Row.RecordId).OfType<int>().Distinct().ToList();
        var fileIds = events.Select(e => e.Row.FileId).OfType<int>().Distinct().ToList();
        return new Names(
            labelIds.Count == 0 ? [] : await context.Labels.Where(l => labelIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Value, cancellationToken),
            recordIds.Count == 0 ? [] : await context.Records.Where(r => recordIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.ExternalId, cancellationToken),
            fileIds.Count == 0 ? [] : await context.RecordFiles.Where(f => fileIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, f => f.Key, cancellationToken));
    }

    private static List<InvestigationTop> Top(IEnumerable<string?> names) =>
        [.. names.OfType<string>().GroupBy(n => n, StringComparer.Ordinal).Select(g => new InvestigationTop(g.Key, g.Count()))
            .OrderByDescending(t => t.Events).ThenBy(t => t.Name, StringComparer.Ordinal).Take(TopCount)];

    private static string? MostCommon(IEnumerable<string?> names) =>
        names.OfType<string>().GroupBy(n => n, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();

    private static DateTime Hour(DateTime timestamp) => new(timestamp.Year, timestamp.Month, timestamp.Day, timestamp.Hour, 0, 0, DateTimeKind.Utc);

    /// <summary>A visitor hash as the OpenAIRE export writes it (docs/domain/privacy.md#exports): 16 hex digits.</summary>
    internal static string Hex(long hash) => hash.ToString("x16", CultureInfo.InvariantCulture);

    private static string Cut(string text) => text.Length <= 256 ? text : text[..256];

    private sealed record Row(
        long Id, short TypeId, DateTime Timestamp, int? RecordId, int? FileId, string? Country, EventTraits Traits, long? VisitorHash, long? SessionHash,
        int? OrganisationId, int? ReferrerId, int? AgentId);

    private sealed record Categorised(Row Row, EventCategory Category);

    private sealed class Names(Dictionary<int, string> labels, Dictionary<int, string> records, Dictionary<int, string> files)
    {
        public string? Label(int? id) => id is { } i ? labels.GetValueOrDefault(i) : null;

        public string Touched(Row row) =>
            row.TypeId == s_download && row.FileId is { } file ? $"{records.GetValueOrDefault(row.RecordId!.Value)}/{files.GetValueOrDefault(file)}"
            : records.GetValueOrDefault(row.RecordId!.Value) ?? "?";

        public InvestigationEvent Describe(Categorised e) => new(
            e.Row.Id, e.Row.Timestamp, e.Row.TypeId == s_download ? EventCatalog.FileDownload : EventCatalog.RecordView,
            e.Row.RecordId is { } r ? records.GetValueOrDefault(r) : null,
            e.Row.FileId is { } f ? files.GetValueOrDefault(f) : null,
            e.Row.Country?.Trim(), Label(e.Row.OrganisationId), Label(e.Row.AgentId), Label(e.Row.ReferrerId), e.Category,
            (e.Row.Traits & EventTraits.ViaApi) != 0, (e.Row.Traits & EventTraits.Preview) != 0,
            e.Row.VisitorHash is { } v ? Hex(v) : null);
    }
}
