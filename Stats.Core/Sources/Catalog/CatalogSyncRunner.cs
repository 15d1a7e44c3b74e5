using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Core.Aggregation;
using Stats.Core.Data;

namespace Stats.Core.Sources.Catalog;

/// <summary>How far a sync has come, after each page.</summary>
public sealed record CatalogSyncProgress(string Source, long Seen, long Changed, long Deleted, long Skipped, DateTime? LatestUpdate);

/// <summary>What one sync of one source did; when another instance held the source's lease, nothing, and who held it.</summary>
public sealed record CatalogSyncReport(
    string Source,
    bool LeaseAcquired,
    string? LeaseHolder,
    long Seen,
    long Changed,
    long Deleted,
    long Skipped,
    long Reattributed,
    DateTime? Bookmark,
    TimeSpan Elapsed,
    string? Error)
{
    /// <summary>True when the sync failed because the store was unavailable: retrying later may succeed.</summary>
    public bool StoreUnavailable { get; init; }

    /// <summary>The records skipped, and why (the first hundred).</summary>
    public IReadOnlyList<CatalogProblem> Problems { get; init; } = [];
}

/// <summary>
/// Syncs the catalog sources of <c>Stats:Sources:Catalog</c>: one instance at a time per source (a lease in the store,
/// as aggregation's), page by page, each page committed with the position to resume from; the bookmark moves only
/// when a pass completes. A failure keeps bookmark and position and waits longer before each retry; a record the
/// source describes badly is reported and skipped.
/// </summary>
public sealed class CatalogSyncRunner(
    IDbContextFactory<StatsDbContext> contextFactory,
    IHttpClientFactory httpClients,
    IOptions<CatalogSyncOptions> options,
    TimeProvider clock,
    ILogger<CatalogSyncRunner> logger)
{
    public const string HttpClientName = "catalog-sync";

    private const int MaxReportedProblems = 100;

    /// <summary>Records applied in one transaction at most when pages come faster than they are applied.</summary>
    private const int RecordsPerTransaction = 1000;

    /// <summary>This instance, as the leases name it.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public IReadOnlyList<CatalogSourceOptions> Sources => options.Value.Sources;

    /// <summary>The name of a source's lease.</summary>
    public static string LeaseName(string source) => "catalog:" + source;

    /// <summary>Syncs every source whose time has come (its interval since the last success, or its backoff after a failure).</summary>
    public async Task<IReadOnlyList<CatalogSyncReport>> SyncDueAsync(CancellationToken cancellationToken)
    {
        var reports = new List<CatalogSyncReport>();
        Dictionary<string, DateTime?> next;
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            next = await context.CatalogSourceStates.AsNoTracking().ToDictionaryAsync(s => s.Name, s => s.NextRunAt, StringComparer.Ordinal, cancellationToken);
        }

        foreach (var source in Sources)
        {
            if (next.GetValueOrDefault(source.Name) is { } due && due > Now)
            {
                continue;
            }

            reports.Add(await SyncAsync(source, full: false, progress: null, cancellationToken));
        }

        return reports;
    }

    /// <summary>
    /// Syncs one source now: from its bookmark (or where its last pass stopped), or with <paramref name="full"/> from the
    /// start, reading every record again.
    /// </summary>
    public async Task<CatalogSyncReport> SyncAsync(CatalogSourceOptions source, bool full, IProgress<CatalogSyncProgress>? progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var lease = LeaseName(source.Name);
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await StoreLease.TryTakeAsync(context, lease, Holder, Now, options.Value.LeaseDuration, cancellationToken))
            {
                var held = await StoreLease.Named(context, lease).FirstOrDefaultAsync(cancellationToken);
                return new CatalogSyncReport(source.Name, false, held?.Holder, 0, 0, 0, 0, 0, null, watch.Elapsed, null);
            }
        }

        long seen = 0, changed = 0, deleted = 0, skipped = 0, reattributed = 0;
        var problems = new List<CatalogProblem>();
        DateTime? bookmark = null;
        string? error = null;
        var storeUnavailable = false;
        try
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            var state = await StateAsync(context, source.Name, cancellationToken);
            if (full)
            {
                state.Cursor = null;
                state.PassBookmark = null;
            }

            state.LastRunStartedAt = Now;
            state.LastRunFinishedAt = null;
            state.Seen = state.Changed = state.Deleted = state.Skipped = 0;
            await context.SaveChangesAsync(cancellationToken);

            var reader = CreateReader(source);
            var names = await reader.CommunitiesAsync(cancellationToken);
            await CatalogApplier.ApplyNamesAsync(context, names, cancellationToken);

            var since = full ? null : state.Bookmark;
            await using var pages = reader.ReadAsync(since, state.Cursor, cancellationToken).GetAsyncEnumerator(cancellationToken);
            // One page ahead: the next page is fetched and parsed while this one is applied.
            var next = pages.MoveNextAsync().AsTask();
            IDbContextTransaction? transaction = null;
            var pending = 0;
            try
            {
                while (true)
                {
                    // Several pages share a transaction (one disk flush for all of them) only while the source answers at
                    // once: no transaction waits for the source, since on SQLite it would hold up every other writer. A
                    // page the source fails to give leaves the pages applied before it committed, with their position.
                    var last = next.IsCompletedSuccessfully && !next.Result;
                    if (transaction is not null && (!next.IsCompletedSuccessfully || last || pending >= RecordsPerTransaction))
                    {
                        await transaction.CommitAsync(cancellationToken);
                        await transaction.DisposeAsync();
                        transaction = null;
                        pending = 0;
                        progress?.Report(new CatalogSyncProgress(source.Name, seen, changed, deleted, skipped, state.PassBookmark));
                    }

                    if (!await next)
                    {
                        break;
                    }

                    var page = pages.Current;
                    next = pages.MoveNextAsync().AsTask();
                    if (transaction is null)
                    {
                        transaction = await context.Database.BeginTransactionAsync(cancellationToken);
                        // Renewed with every transaction: an instance that stalled past its lease must not write over its successor's work.
                        if (!await StoreLease.TryTakeAsync(context, lease, Holder, Now, options.Value.LeaseDuration, cancellationToken))
                        {
                            throw new InvalidOperationException($"The lease of catalog source '{source.Name}' was lost (this instance stalled for longer than its lease).");
                        }
                    }

                    var changes = await CatalogApplier.ApplyAsync(context, source.Name, page.Entries, Now, cancellationToken);
                    pending += page.Entries.Count + page.Problems.Count;
                    seen += page.Entries.Count + page.Problems.Count;
                    changed += changes.Changed;
                    deleted += changes.Deleted;
                    skipped += page.Problems.Count;
                    reattributed += changes.Reattributed;
                    foreach (var problem in page.Problems)
                    {
                        logger.LogWarning("Catalog source {Source}: record {Record} skipped: {Reason}.", source.Name, problem.Record, problem.Reason);
                        if (problems.Count < MaxReportedProblems)
                        {
                            problems.Add(problem);
                        }
                    }

                    state = await StateAsync(context, source.Name, cancellationToken);
                    state.Cursor = page.Cursor;
                    state.PassBookmark = Latest(state.PassBookmark, page.LatestUpdate);
                    (state.Seen, state.Changed, state.Deleted, state.Skipped) = (seen, changed, deleted, skipped);
                    if (page.Problems.Count > 0)
                    {
                        state.LastSkip = Cut($"{page.Problems[^1].Record}: {page.Problems[^1].Reason}", 1000);
                    }

                    await context.SaveChangesAsync(cancellationToken);
                    context.ChangeTracker.Clear();
                }
            }
            finally
            {
                // A transaction still open here failed: disposing it rolls back its pages, which the next run reads again.
                if (transaction is not null)
                {
                    await transaction.DisposeAsync();
                }

                // The enumerator must not be disposed while it reads; what a read no longer wanted ends with does not matter.
                await next.ContinueWith(read => _ = read.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            state = await StateAsync(context, source.Name, cancellationToken);
            state.Bookmark = Latest(full ? null : state.Bookmark, state.PassBookmark) ?? state.Bookmark;
            state.Cursor = null;
            state.PassBookmark = null;
            state.LastRunFinishedAt = state.LastSuccessAt = Now;
            state.ConsecutiveFailures = 0;
            state.NextRunAt = Now + source.Interval;
            await context.SaveChangesAsync(cancellationToken);
            bookmark = state.Bookmark;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = ex is CatalogSourceException or HttpRequestException or TaskCanceledException ? ex.Message : ex.GetType().Name + ": " + ex.Message;
            storeUnavailable = StoreOutage.IsOutage(ex);
            logger.LogWarning("Catalog source {Source} stopped after {Seen} record(s), keeping its bookmark: {Error}", source.Name, seen, error);
            await RecordFailureAsync(source, error, storeUnavailable);
        }
        finally
        {
            await ReleaseAsync(lease);
        }

        return new CatalogSyncReport(source.Name, true, Holder, seen, changed, deleted, skipped, reattributed, bookmark, watch.Elapsed, error)
        {
            StoreUnavailable = storeUnavailable,
            Problems = problems,
        };
    }

    private ICatalogReader CreateReader(CatalogSourceOptions source)
    {
        var http = httpClients.CreateClient(HttpClientName);
        return source.Kind switch
        {
            CatalogSourceKind.InvenioRdm => new InvenioRdmReader(http, source, clock),
            CatalogSourceKind.OaiPmh => new OaiPmhReader(http, source),
            _ => throw new InvalidOperationException($"Catalog source '{source.Name}' has no reader for kind {source.Kind}."),
        };
    }

    /// <summary>Keeps the error and the wait before the next attempt; bookmark and position stay as the last page left them.</summary>
    private async Task RecordFailureAsync(CatalogSourceOptions source, string error, bool storeUnavailable)
    {
        if (storeUnavailable)
        {
            return;
        }

        try
        {
            await using var context = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            var state = await StateAsync(context, source.Name, CancellationToken.None);
            state.LastError = Cut(error, 2000);
            state.LastErrorAt = state.LastRunFinishedAt = Now;
            state.ConsecutiveFailures++;
            state.NextRunAt = Now + options.Value.RetryDelay(state.ConsecutiveFailures);
            await context.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning("The failure of catalog source {Source} could not be recorded: {Error}", source.Name, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private async Task ReleaseAsync(string lease)
    {
        try
        {
            await using var context = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            await StoreLease.ReleaseAsync(context, lease, Holder, Now, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease lapses by itself.
            logger.LogDebug("A catalog lease could not be released: {Error}", ex.Message);
        }
    }

    private static async Task<CatalogSourceState> StateAsync(StatsDbContext context, string name, CancellationToken cancellationToken)
    {
        var state = await context.CatalogSourceStates.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (state is null)
        {
            state = new CatalogSourceState { Name = name };
            context.CatalogSourceStates.Add(state);
        }

        return state;
    }

    private static DateTime? Latest(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static string Cut(string text, int max) => text.Length > max ? text[..max] : text;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
