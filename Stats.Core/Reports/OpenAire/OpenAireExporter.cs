using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Core.Aggregation;
using Stats.Core.Counting;
using Stats.Core.Data;

namespace Stats.Core.Reports.OpenAire;

/// <summary>Whether a day can be exported now.</summary>
public enum ExportDayState
{
    /// <summary>Over, aggregated and not changed since.</summary>
    Exportable,

    /// <summary>Today or later: more events may come.</summary>
    NotOver,

    /// <summary>Changed since it was last aggregated (or never aggregated): the counts are not final yet.</summary>
    Dirty,

    /// <summary>Retention deleted its raw events: there is nothing left to send one request per click from.</summary>
    Purged,

    /// <summary>Over and never marked for aggregation: the day had no events, there is nothing to send.</summary>
    NoEvents,
}

/// <summary>What one day's export did.</summary>
/// <param name="Requests">The day's tracking requests, one per counted view or download.</param>
/// <param name="Sent">The requests sent by this run (fewer than <paramref name="Requests"/> when it resumed or failed).</param>
/// <param name="Note">Why the day was passed over, if it was.</param>
public sealed record OpenAireDayExport(DateOnly Day, int Requests, int Sent, string? Note = null);

/// <summary>What a run of the exporter did; <see cref="Error"/> is set when a chunk failed every try and the run stopped.</summary>
public sealed record OpenAireExportReport(IReadOnlyList<OpenAireDayExport> Days, string? Error);

/// <summary>
/// Sends each exportable day's counted views and downloads to OpenAIRE's usage-counts service (a Matomo) with the bulk
/// tracking API, one request per click that COUNTER counts, in chunks, behind a bookmark in the store: a day is sent
/// once, in full, in day order, and a restart resumes after the last request the service confirmed.
/// </summary>
public sealed class OpenAireExporter(
    IDbContextFactory<StatsDbContext> contexts,
    IHttpClientFactory httpClients,
    IOptions<OpenAireOptions> options,
    TimeProvider clock,
    ILogger<OpenAireExporter> logger)
{
    /// <summary>The bookmark's name in <c>ExportBookmarks</c>.</summary>
    public const string BookmarkName = "openaire";

    /// <summary>The named HTTP client the exporter posts with.</summary>
    public const string HttpClientName = "openaire";

    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    private OpenAireOptions Settings => options.Value;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Whether <paramref name="day"/> can be exported now.</summary>
    public async Task<ExportDayState> StateOfAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var (aggregated, dirty) = await StatesAsync(context, day, day, cancellationToken);
        return StateOf(day, aggregated, dirty);
    }

    /// <summary>The days the next run would export, from the bookmark up to the first day that is not exportable yet.</summary>
    public async Task<IReadOnlyList<(DateOnly Day, ExportDayState State)>> PendingDaysAsync(CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var bookmark = await context.ExportBookmarks.AsNoTracking().SingleOrDefaultAsync(b => b.Name == BookmarkName, cancellationToken);
        var first = bookmark?.LastDay?.AddDays(1) ?? Settings.FirstDay ?? Today.AddDays(-1);
        var last = Today.AddDays(-1);
        var days = new List<(DateOnly, ExportDayState)>();
        if (last < first)
        {
            return days;
        }

        var (aggregated, dirty) = await StatesAsync(context, first, last, cancellationToken);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var state = StateOf(day, aggregated, dirty);
            if (state is not (ExportDayState.Exportable or ExportDayState.Purged or ExportDayState.NoEvents))
            {
                // Never past a day that is not final: the bookmark only moves forward over complete days.
                break;
            }

            days.Add((day, state));
        }

        return days;
    }

    /// <summary>The tracking requests of <paramref name="day"/> (query strings, without the token), in their fixed order.</summary>
    public async Task<IReadOnlyList<string>> BuildRequestsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        if (Settings.MissingForBuilding() is { } missing)
        {
            throw new InvalidOperationException($"{missing} is not set.");
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await RawDayReader.ReadDayAsync(context, day, cancellationToken);
        var followers = await RawDayReader.ReadFollowersAsync(context, day, cancellationToken);
        var clicks = DayTotals.CountedClicks(events, followers);
        var records = await RecordsAmong(context, [.. clicks.Select(c => c.RecordId).Distinct()])
            .ToDictionaryAsync(r => r.Id, cancellationToken);
        var files = await FilesAmong(context, [.. clicks.Select(c => c.FileId).OfType<int>().Distinct()])
            .ToDictionaryAsync(f => f.Id, f => f.Key, cancellationToken);
        var requests = new List<(DateTime Timestamp, string Query)>(clicks.Count);
        foreach (var click in clicks)
        {
            if (records.TryGetValue(click.RecordId, out var record) &&
                (click.FileId is not { } file || files.ContainsKey(file)))
            {
                requests.Add((click.Timestamp, Query(click, record.ExternalId, record.Title, click.FileId is { } f ? files[f] : null)));
            }
        }

        // A fixed order, ties included, so that "the first N requests" means the same requests after a restart.
        return [.. requests.OrderBy(r => r.Timestamp).ThenBy(r => r.Query, StringComparer.Ordinal).Select(r => r.Query)];
    }

    /// <summary>Exports every pending day in order, resuming after the bookmark; stops at the first chunk that fails every try.</summary>
    public async Task<OpenAireExportReport> ExportPendingAsync(CancellationToken cancellationToken)
    {
        RequireSendingSettings();
        await AnchorBookmarkAsync(cancellationToken);
        var done = new List<OpenAireDayExport>();
        DateOnly? empty = null;
        foreach (var (day, state) in await PendingDaysAsync(cancellationToken))
        {
            if (state == ExportDayState.NoEvents)
            {
                // Passed over in one bookmark write, however many they are.
                empty = day;
                continue;
            }

            if (empty is { } passed)
            {
                await UpdateBookmarkAsync(b => { b.LastDay = passed; b.RequestsSentOfNextDay = 0; }, cancellationToken);
                empty = null;
            }

            if (state == ExportDayState.Purged)
            {
                logger.LogWarning("OpenAIRE export: {Day:yyyy-MM-dd} cannot be sent, its raw events were purged; skipped.", day);
                await UpdateBookmarkAsync(b => { b.LastDay = day; b.RequestsSentOfNextDay = 0; b.PurgedDaysSkipped++; }, cancellationToken);
                done.Add(new OpenAireDayExport(day, 0, 0, "raw events purged: not sent"));
                continue;
            }

            var requests = await BuildRequestsAsync(day, cancellationToken);
            var already = await RequestsAlreadySentAsync(cancellationToken);
            var (sent, error) = await SendAsync(requests, Math.Min(already, requests.Count), cancellationToken);
            if (error is not null)
            {
                await UpdateBookmarkAsync(b => { b.LastError = $"{day:yyyy-MM-dd}: {error}"; b.LastErrorAt = Now; }, cancellationToken);
                done.Add(new OpenAireDayExport(day, requests.Count, sent));
                return new OpenAireExportReport(done, $"{day:yyyy-MM-dd}: {error}");
            }

            await UpdateBookmarkAsync(b => { b.LastDay = day; b.RequestsSentOfNextDay = 0; b.LastError = null; }, cancellationToken);
            done.Add(new OpenAireDayExport(day, requests.Count, sent));
        }

        if (empty is { } last)
        {
            await UpdateBookmarkAsync(b => { b.LastDay = last; b.RequestsSentOfNextDay = 0; }, cancellationToken);
        }

        return new OpenAireExportReport(done, null);
    }

    /// <summary>Sends one exportable day in full again, whatever the bookmark says, and leaves the bookmark alone.</summary>
    public async Task<OpenAireExportReport> ResendDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        RequireSendingSettings();
        var state = await StateOfAsync(day, cancellationToken);
        if (state == ExportDayState.NoEvents)
        {
            return new OpenAireExportReport([new OpenAireDayExport(day, 0, 0)], null);
        }

        if (state != ExportDayState.Exportable)
        {
            return new OpenAireExportReport([], $"{day:yyyy-MM-dd} cannot be exported: {Describe(state)}.");
        }

        var requests = await BuildRequestsAsync(day, cancellationToken);
        var (sent, error) = await SendAsync(requests, 0, cancellationToken, moveBookmark: false);
        return new OpenAireExportReport([new OpenAireDayExport(day, requests.Count, sent)], error is null ? null : $"{day:yyyy-MM-dd}: {error}");
    }

    /// <summary>Why a day is not exportable, in words.</summary>
    public static string Describe(ExportDayState state) => state switch
    {
        ExportDayState.NotOver => "the day is not over",
        ExportDayState.Dirty => "the day is not aggregated yet (or changed since)",
        ExportDayState.Purged => "its raw events were purged",
        ExportDayState.NoEvents => "the day had no events",
        _ => "exportable",
    };

    internal static IQueryable<AggregatedDay> AggregatedDaysBetween(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.AggregatedDays.AsNoTracking().Where(d => d.Day >= from && d.Day <= to);

    internal static IQueryable<DateOnly> DirtyDaysBetween(StatsDbContext context, DateOnly from, DateOnly to) =>
        context.DirtyDays.Where(d => d.Day >= from && d.Day <= to).Select(d => d.Day);

    internal static IQueryable<ExportRecord> RecordsAmong(StatsDbContext context, IReadOnlyCollection<int> ids) =>
        context.Records.Where(r => ids.Contains(r.Id)).Select(r => new ExportRecord(r.Id, r.ExternalId, r.Title));

    internal static IQueryable<RecordFile> FilesAmong(StatsDbContext context, IReadOnlyCollection<int> ids) =>
        context.RecordFiles.AsNoTracking().Where(f => ids.Contains(f.Id));

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private void RequireSendingSettings()
    {
        if (Settings.MissingForSending() is { } missing)
        {
            throw new InvalidOperationException($"{missing} is not set.");
        }
    }

    private ExportDayState StateOf(DateOnly day, Dictionary<DateOnly, AggregatedDay> aggregated, HashSet<DateOnly> dirty) =>
        day >= Today ? ExportDayState.NotOver
        : dirty.Contains(day) ? ExportDayState.Dirty
        // Not dirty and never aggregated: a day without events, nothing to send.
        : !aggregated.TryGetValue(day, out var state) ? ExportDayState.NoEvents
        : state.RawEventsPurgedAt is not null ? ExportDayState.Purged
        : ExportDayState.Exportable;

    private static async Task<(Dictionary<DateOnly, AggregatedDay>, HashSet<DateOnly>)> StatesAsync(
        StatsDbContext context, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var aggregated = await AggregatedDaysBetween(context, from, to).ToDictionaryAsync(d => d.Day, cancellationToken);
        var dirty = (await DirtyDaysBetween(context, from, to).ToListAsync(cancellationToken)).ToHashSet();
        return (aggregated, dirty);
    }

    private string Query(UsageClick click, string recid, string? title, string? fileKey)
    {
        var recordUrl = Settings.RecordUrlTemplate!.Replace("{recid}", Uri.EscapeDataString(recid), StringComparison.Ordinal);
        var query = new StringBuilder("?idsite=").Append(Uri.EscapeDataString(Settings.SiteId!)).Append("&rec=1");
        if (fileKey is null)
        {
            query.Append("&url=").Append(Uri.EscapeDataString(recordUrl))
                .Append("&action_name=").Append(Uri.EscapeDataString(string.IsNullOrWhiteSpace(title) ? recid : title));
        }
        else
        {
            var fileUrl = Settings.FileUrlTemplate!
                .Replace("{recid}", Uri.EscapeDataString(recid), StringComparison.Ordinal)
                .Replace("{file_key}", Uri.EscapeDataString(fileKey), StringComparison.Ordinal);
            query.Append("&url=").Append(Uri.EscapeDataString(fileUrl)).Append("&download=").Append(Uri.EscapeDataString(fileUrl));
        }

        query.Append("&cdt=").Append(Uri.EscapeDataString(click.Timestamp.ToString(TimeFormat, CultureInfo.InvariantCulture)));
        if (click.Visitor is { } visitor)
        {
            // The day's salted hash, never the address: the same visitor is one Matomo visitor that day and nobody after.
            var id = VisitorId(visitor);
            query.Append("&_id=").Append(id).Append("&cid=").Append(id);
        }

        if (!string.IsNullOrEmpty(click.Country))
        {
            query.Append("&country=").Append(Uri.EscapeDataString(click.Country.ToLowerInvariant()));
        }

        return query.Append("&send_image=0&apiv=1").ToString();
    }

    /// <summary>Matomo's visitor id: 16 hexadecimal characters, here the 8 bytes of the stored anonymous hash.</summary>
    public static string VisitorId(long visitorHash) => ((ulong)visitorHash).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes a new bookmark just before its first day, so that the default start ("yesterday") is fixed by the first
    /// run: without it, a first day that is not exportable yet would slide out of reach a day later.
    /// </summary>
    private async Task AnchorBookmarkAsync(CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await context.ExportBookmarks.AnyAsync(b => b.Name == BookmarkName, cancellationToken))
        {
            var first = Settings.FirstDay ?? Today.AddDays(-1);
            context.ExportBookmarks.Add(new ExportBookmark { Name = BookmarkName, LastDay = first.AddDays(-1), UpdatedAt = Now });
            await context.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task<int> RequestsAlreadySentAsync(CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await context.ExportBookmarks.Where(b => b.Name == BookmarkName).Select(b => b.RequestsSentOfNextDay).SingleOrDefaultAsync(cancellationToken);
    }

    private async Task<(int Sent, string? Error)> SendAsync(
        IReadOnlyList<string> requests, int skip, CancellationToken cancellationToken, bool moveBookmark = true)
    {
        var client = httpClients.CreateClient(HttpClientName);
        var sent = 0;
        for (var start = skip; start < requests.Count; start += Settings.ChunkSize)
        {
            var chunk = requests.Skip(start).Take(Settings.ChunkSize).ToList();
            if (await SendChunkAsync(client, chunk, cancellationToken) is { } error)
            {
                return (sent, error);
            }

            sent += chunk.Count;
            if (moveBookmark)
            {
                // Matomo has no idempotency key: the bookmark counts what it confirmed, so that a restart sends the rest only.
                var through = start + chunk.Count;
                await UpdateBookmarkAsync(b => { b.RequestsSentOfNextDay = through; b.SentRequests += chunk.Count; }, cancellationToken);
            }
        }

        return (sent, null);
    }

    private async Task<string?> SendChunkAsync(HttpClient client, List<string> chunk, CancellationToken cancellationToken)
    {
        string? error = null;
        for (var attempt = 1; attempt <= Settings.MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(Settings.RetryDelay * Math.Pow(2, attempt - 2), clock, cancellationToken);
            }

            try
            {
                using var response = await client.PostAsJsonAsync(
                    Settings.TrackingUrl, new BulkTracking(chunk, Settings.TokenAuth!), BulkTrackingJson.Default.BulkTracking, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode && IsSuccess(body))
                {
                    return null;
                }

                error = $"HTTP {(int)response.StatusCode}: {(body.Length > 200 ? body[..200] : body)}";
            }
            catch (HttpRequestException ex)
            {
                error = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = "the request timed out";
            }

            // The token must never reach a log or the store, even echoed back by the server.
            error = error.Replace(Settings.TokenAuth!, "***", StringComparison.Ordinal).ReplaceLineEndings(" ");
            logger.LogWarning("OpenAIRE export: try {Attempt} of {MaxAttempts} of a chunk of {Requests} failed: {Error}", attempt, Settings.MaxAttempts, chunk.Count, error);
        }

        return error;
    }

    private static bool IsSuccess(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("status", out var status) && status.ValueEquals("success");
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task UpdateBookmarkAsync(Action<ExportBookmark> change, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var bookmark = await context.ExportBookmarks.SingleOrDefaultAsync(b => b.Name == BookmarkName, cancellationToken);
        if (bookmark is null)
        {
            bookmark = new ExportBookmark { Name = BookmarkName };
            context.ExportBookmarks.Add(bookmark);
        }

        change(bookmark);
        bookmark.UpdatedAt = Now;
        await context.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>What a tracking request needs of a record.</summary>
internal sealed record ExportRecord(int Id, string ExternalId, string? Title);

/// <summary>The body of a Matomo bulk tracking request.</summary>
internal sealed record BulkTracking(
    [property: JsonPropertyName("requests")] IReadOnlyList<string> Requests,
    [property: JsonPropertyName("token_auth")] string TokenAuth);

[JsonSerializable(typeof(BulkTracking))]
internal sealed partial class BulkTrackingJson : JsonSerializerContext;
