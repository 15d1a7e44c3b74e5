using System.Globalization;
using Stats.Core.Queries;

namespace Stats.Dashboard.Components.Pages.Overview;

/// <summary>Where a step of the first run stands.</summary>
public enum SetupStepState
{
    /// <summary>Working.</summary>
    Done,

    /// <summary>Still to do, or not happened yet.</summary>
    ToDo,

    /// <summary>Configured but failing: the admin must look.</summary>
    Problem,

    /// <summary>An optional feature that is off, or optional work not done.</summary>
    Optional,
}

/// <summary>One line of the getting-started checklist, linking to the README section that explains it.</summary>
/// <param name="HelpAnchor">The README heading's anchor, as GitHub and <c>/help</c> both make it.</param>
public sealed record SetupStep(string Key, string Title, SetupStepState State, string Detail, string HelpAnchor)
{
    public string HelpLink => $"/help#{HelpAnchor}";
}

/// <summary>The first run's steps, in the order an admin takes them, read from the live <see cref="SetupState"/>.</summary>
public static class SetupChecklist
{
    public const string NotConfigured = "not configured (optional)";

    public static IReadOnlyList<SetupStep> From(SetupState state) =>
    [
        IngestKey(state),
        Events(state),
        Queue(state),
        Catalog(state),
        History(state),
        Aggregation(state),
    ];

    private static SetupStep IngestKey(SetupState state) => state.IngestKeys > 0
        ? new("ingest-key", "An ingest key exists", SetupStepState.Done, $"{state.IngestKeys} key(s) of scope ingest.", "sending-events")
        : new("ingest-key", "An ingest key exists", SetupStepState.ToDo,
            "No key of scope ingest yet: create one on the Admin page (API keys) or with the apikey verb.", "sending-events");

    private static SetupStep Events(SetupState state) => state.LastEventAt is { } last
        ? new("events", "Events are arriving", SetupStepState.Done, $"Last event {Time(last)}.", "sending-events")
        : new("events", "Events are arriving", SetupStepState.ToDo,
            "No event received yet: the repository platform posts them to /api/events with the ingest key.", "sending-events");

    private static SetupStep Queue(SetupState state) => state.Pipeline.Sources.Queue switch
    {
        null => new("queue", "The queue consumer is connected", SetupStepState.Optional, NotConfigured, "invenios-live-queue"),
        { Connected: true } queue => new("queue", "The queue consumer is connected", SetupStepState.Done,
            $"Connected to {queue.Broker} since {Time(queue.ConnectedSince)}.", "invenios-live-queue"),
        var queue => new("queue", "The queue consumer is connected", SetupStepState.Problem,
            $"Not connected to {queue.Broker}: {queue.LastError ?? "connecting"}.", "invenios-live-queue"),
    };

    private static SetupStep Catalog(SetupState state)
    {
        const string Title = "The catalog is synced";
        var sources = state.Pipeline.Sources.Catalog;
        if (sources.Count == 0)
        {
            return new("catalog", Title, SetupStepState.Optional, NotConfigured, "catalog-sync");
        }

        if (sources.FirstOrDefault(s => s.ConsecutiveFailures > 0) is { } failing)
        {
            return new("catalog", Title, SetupStepState.Problem, $"{failing.Name}: {failing.LastError ?? "failed"}.", "catalog-sync");
        }

        if (sources.FirstOrDefault(s => s.LastSuccessAt is null) is { } waiting)
        {
            return new("catalog", Title, SetupStepState.ToDo, $"{waiting.Name}: no complete sync yet.", "catalog-sync");
        }

        var oldest = sources.Min(s => s.LastSuccessAt);
        return new("catalog", Title, SetupStepState.Done, $"{sources.Count} source(s), all synced since {Time(oldest)}.", "catalog-sync");
    }

    private static SetupStep History(SetupState state)
    {
        const string Title = "History is imported";
        if (state.Imports.FirstOrDefault(r => !r.Unfinished && r.Failure is null) is { } finished)
        {
            return new("history", Title, SetupStepState.Done,
                $"Last import finished {Time(finished.FinishedAt)}: {finished.Imported.ToString("N0", CultureInfo.InvariantCulture)} imported.", "importing-history");
        }

        return state.Imports.Count > 0
            ? new("history", Title, SetupStepState.Problem,
                $"The last import did not finish{(state.Imports[0].Failure is { } failure ? $": {failure}" : "")}; importing the same files resumes it.", "importing-history")
            : new("history", Title, SetupStepState.Optional, "Nothing imported (optional): the import verb brings the old system's history in.", "importing-history");
    }

    private static SetupStep Aggregation(SetupState state)
    {
        const string Title = "Aggregation is healthy";
        var pipeline = state.Pipeline;
        if (pipeline.LastFailure is { } failure && (pipeline.LastSuccess is null || failure.StartedAt > pipeline.LastSuccess.StartedAt))
        {
            return new("aggregation", Title, SetupStepState.Problem, $"The last run failed {Time(failure.StartedAt)}: {failure.Error}.", "counting-and-aggregation");
        }

        if (pipeline.LastSuccess is not { } success)
        {
            return new("aggregation", Title, SetupStepState.ToDo,
                pipeline.Backlog.Days > 0 ? $"No run yet; {pipeline.Backlog.Days} day(s) waiting." : "No run yet: the aggregator runs every minute once events arrive.",
                "counting-and-aggregation");
        }

        return new("aggregation", Title, SetupStepState.Done,
            $"Last run {Time(success.FinishedAt ?? success.StartedAt)}; {(pipeline.Backlog.Days == 0 ? "nothing waiting" : $"{pipeline.Backlog.Days} day(s) waiting")}.",
            "counting-and-aggregation");
    }

    private static string Time(DateTime? at) =>
        at is { } value ? value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "(unknown)";
}
