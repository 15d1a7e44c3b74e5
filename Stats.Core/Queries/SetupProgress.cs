using Microsoft.EntityFrameworkCore;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Import;

namespace Stats.Core.Queries;

/// <summary>
/// How far a new installation has come: the live state the getting-started checklist reads. The pipeline's part (queue,
/// catalog sources, aggregation) is the pipeline endpoint's own answer, not a second reading of it.
/// </summary>
/// <param name="IngestKeys">API keys of scope <c>ingest</c> that are not revoked.</param>
/// <param name="LastEventAt">The newest raw event's time, or null when none was ever stored (or all were purged).</param>
/// <param name="Imports">The latest runs of the <c>import</c> verb, newest first.</param>
public sealed record SetupState(int IngestKeys, DateTime? LastEventAt, IReadOnlyList<ImportRunSummary> Imports, PipelineStatus Pipeline);

/// <summary>Reads the <see cref="SetupState"/>. Components depend on this interface so that tests can swap it.</summary>
public interface ISetupProgress
{
    Task<SetupState> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>The <see cref="SetupState"/> from the services that already know each part of it.</summary>
public sealed class SetupProgress(
    IDbContextFactory<StatsDbContext> contextFactory, PipelineMonitor monitor, ApiKeyService keys, ImportRuns imports) : ISetupProgress
{
    /// <summary>Enough runs to tell "imported" and when; the Admin page lists them all.</summary>
    private const int RecentImports = 5;

    public async Task<SetupState> GetAsync(CancellationToken cancellationToken = default)
    {
        var ingestKeys = (await keys.ListAsync(cancellationToken)).Count(k => k.RevokedAt is null && k.Scopes.Contains(ApiScopes.Ingest));
        DateTime? lastEventAt;
        await using (var context = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            // The (Timestamp, TypeId) index answers this from its last entry.
            lastEventAt = await LastEventAt(context).MaxAsync(cancellationToken);
        }

        return new SetupState(
            ingestKeys,
            lastEventAt,
            await imports.ListAsync(RecentImports, cancellationToken),
            await monitor.GetStatusAsync(cancellationToken));
    }

    /// <summary>The raw events' times, nullable so that an empty table gives null; exposed for the translation tests.</summary>
    internal static IQueryable<DateTime?> LastEventAt(StatsDbContext context) => context.RawEvents.Select(e => (DateTime?)e.Timestamp);
}
