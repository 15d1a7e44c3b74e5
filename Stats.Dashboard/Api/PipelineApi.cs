using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Queries;
using Stats.Core.Sources.Catalog;
using Stats.Dashboard.Access;
using Stats.Dashboard.Auth;

namespace Stats.Dashboard.Api;

/// <summary>The aggregation pipeline's health for admins: its lag and failures ("counters frozen", docs/domain/aggregation.md#pipeline-health).</summary>
public static class PipelineApi
{
    /// <summary>Maps <c>/metrics</c>; the status itself is <c>GET /api/admin/pipeline</c> (see <see cref="AdminApi"/>).</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", GetMetricsAsync)
            .RequireAuthorization(StatsPolicies.Read)
            .WithName("Metrics")
            .WithTags("Admin")
            .WithSummary("The pipeline's state in Prometheus text format. For admins: an admin API key (a bearer token in the scrape config) or a signed-in admin.");
        return app;
    }

    internal static async Task<Ok<PipelineStatus>> GetStatusAsync(PipelineMonitor monitor, CancellationToken cancellationToken) =>
        TypedResults.Ok(await monitor.GetStatusAsync(cancellationToken));

    /// <summary>For whoever the access rules let see the pipeline (admins by default, or a key that reads as one, or an admin key).</summary>
    internal static async Task<IResult> GetMetricsAsync(
        HttpContext http, ViewerClaims claims, IAccessPolicy policy, PipelineMonitor monitor, CancellationToken cancellationToken)
    {
        var decision = await policy.DecideAsync(claims.ViewerOf(http.User), StatFamily.Pipeline, new StatTarget(StatSubject.Repository, null), cancellationToken);
        if (decision != AccessDecision.Allowed)
        {
            return ApiRefusal.ByAccessRules(http, decision, "The pipeline's metrics are for admins.", query: null);
        }

        var status = await monitor.GetStatusAsync(cancellationToken);
        return TypedResults.Text(PrometheusText(status), "text/plain; version=0.0.4", Encoding.UTF8);
    }

    /// <summary>Each catalog source's state, one series per source (label <c>source</c>).</summary>
    private static void CatalogGauges(StringBuilder text, PipelineStatus status)
    {
        var sources = status.Sources.Catalog;
        if (sources.Count == 0)
        {
            return;
        }

        Family("stats_catalog_source_last_success_age_seconds", "Seconds since the source's last complete sync (-1 if none).",
            s => s.LastSuccessAt is { } at ? (status.CheckedAt - at).TotalSeconds : -1);
        Family("stats_catalog_source_bookmark_age_seconds", "Seconds between the source's bookmark (latest update synced) and now (-1 if none).",
            s => s.Bookmark is { } at ? (status.CheckedAt - at).TotalSeconds : -1);
        Family("stats_catalog_source_records_seen", "Records the source's last run read.", s => s.Seen);
        Family("stats_catalog_source_records_changed", "Records the source's last run created or changed.", s => s.Changed);
        Family("stats_catalog_source_records_deleted", "Records the source's last run found deleted.", s => s.Deleted);
        Family("stats_catalog_source_records_skipped", "Records the source's last run skipped (described badly).", s => s.Skipped);
        Family("stats_catalog_source_consecutive_failures", "Failed runs of the source since its last success (0 when it works).", s => s.ConsecutiveFailures);

        void Family(string name, string help, Func<CatalogSourceStatus, double> value)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(" gauge\n");
            foreach (var source in sources)
            {
                // Source names are letters, digits and -_. (CatalogSyncOptionsValidator): nothing to escape in the label.
                text.Append(name).Append("{source=\"").Append(source.Name).Append("\"} ")
                    .Append(value(source).ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }

    /// <summary>The status as Prometheus gauges; ages are relative to the time of the scrape.</summary>
    internal static string PrometheusText(PipelineStatus status)
    {
        var text = new StringBuilder();
        Gauge("stats_aggregation_backlog_days", "Days whose raw events changed since they were last aggregated.", status.Backlog.Days);
        Gauge("stats_aggregation_backlog_events", "Raw events written to days waiting to be aggregated.", status.Backlog.Events);
        Gauge("stats_aggregation_backlog_age_seconds", "How long the oldest waiting day has waited (0 without backlog).", status.Backlog.Age?.TotalSeconds ?? 0);
        Gauge("stats_aggregation_last_success_age_seconds", "Seconds since the last successful run finished (-1 if none).", Age(status.LastSuccess?.FinishedAt));
        Gauge("stats_aggregation_last_run_duration_seconds", "Duration of the last run that did work.", status.LastRun?.Duration?.TotalSeconds ?? 0);
        Gauge("stats_aggregation_last_run_failed", "1 if the last run that did work failed.", status.LastRun?.Error is null ? 0 : 1);
        Gauge("stats_aggregation_aggregated_days", "Days that have aggregates.", status.AggregatedDays);
        if (status.Sources.Queue is { } queue)
        {
            Gauge("stats_queue_connected", "1 while the queue consumer is connected to its broker.", queue.Connected ? 1 : 0);
            Counter("stats_queue_consumed_total", "Messages this instance consumed and acknowledged (stored, held or dead-lettered).", queue.Consumed);
            Counter("stats_queue_dead_lettered_total", "Messages this instance dead-lettered.", queue.DeadLettered);
            Counter("stats_queue_reconnects_total", "Times this instance connected again after losing its broker.", queue.Reconnects);
            Gauge("stats_queue_held_events", "Downloads waiting for their bucket's record.", queue.Held);
            Gauge("stats_queue_depth_messages", "Messages waiting in the queue when last looked at (-1 if never).", queue.QueueDepth ?? -1);
        }

        CatalogGauges(text, status);
        return text.ToString();

        double Age(DateTime? at) => at is { } value ? (status.CheckedAt - value).TotalSeconds : -1;

        void Gauge(string name, string help, double value) => Metric(name, "gauge", help, value);

        void Counter(string name, string help, double value) => Metric(name, "counter", help, value);

        void Metric(string name, string type, string help, double value)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            text.Append(name).Append(' ').Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
