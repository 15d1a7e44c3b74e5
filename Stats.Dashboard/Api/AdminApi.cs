using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Access;
using Stats.Core.Import;
using Stats.Core.Retention;
using Stats.Dashboard.Auth;

namespace Stats.Dashboard.Api;

/// <summary>The body of <c>POST /api/admin/erase-user</c>.</summary>
public sealed record EraseUserRequest(
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("dry_run")] bool DryRun = false);

/// <summary>One day searched for the user's raw events.</summary>
public sealed record ErasedDayResponse(
    [property: JsonPropertyName("day")] DateOnly Day,
    [property: JsonPropertyName("events")] long Events);

/// <summary>What an erasure did; see <see cref="ErasureResult"/>.</summary>
public sealed record EraseUserResponse(
    [property: JsonPropertyName("dry_run")] bool DryRun,
    [property: JsonPropertyName("events_deleted")] long EventsDeleted,
    [property: JsonPropertyName("days_searched")] IReadOnlyList<ErasedDayResponse> DaysSearched,
    [property: JsonPropertyName("days_not_searchable")] IReadOnlyList<DateOnly> DaysNotSearchable,
    [property: JsonPropertyName("note")] string Note);

/// <summary>The body of <c>POST /api/admin/audit</c>: one of <c>user_id</c> and <c>organisation</c>, and a range of UTC days.</summary>
public sealed record AuditRequest(
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("organisation")] JsonElement? Organisation,
    [property: JsonPropertyName("start_date")] DateOnly? StartDate,
    [property: JsonPropertyName("end_date")] DateOnly? EndDate);

/// <summary>What an audit found; see <see cref="Stats.Core.Investigation.AuditResult"/>.</summary>
public sealed record AuditResponse(
    [property: JsonPropertyName("days_searched")] IReadOnlyList<Stats.Core.Investigation.AuditDay> DaysSearched,
    [property: JsonPropertyName("days_not_searchable")] IReadOnlyList<DateOnly> DaysNotSearchable,
    [property: JsonPropertyName("events")] IReadOnlyList<Stats.Core.Investigation.InvestigationEvent> Events);

/// <summary>One run of the <c>import</c> verb, as <c>GET /api/admin/imports</c> lists it.</summary>
public sealed record ImportRunResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("started_at")] DateTime StartedAt,
    [property: JsonPropertyName("finished_at")] DateTime? FinishedAt,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("lines")] long Lines,
    [property: JsonPropertyName("imported")] long Imported,
    [property: JsonPropertyName("duplicates")] long Duplicates,
    [property: JsonPropertyName("skipped")] long Skipped,
    [property: JsonPropertyName("bad_lines")] long BadLines,
    [property: JsonPropertyName("held")] long Held,
    [property: JsonPropertyName("failure")] string? Failure);

/// <summary><c>/api/admin/…</c>: what admins do through the API, signed in as an admin or with a key of the <c>admin</c> scope.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin")
            .WithTags("Admin")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery()
            .RequireAuthorization(StatsPolicies.Admin)
            .AddEndpointFilter(RequireJsonFromSessions);

        admin.MapPost("/erase-user", EraseUserAsync)
            .WithName("EraseUser")
            .WithSummary("Delete every raw event of one user id (GDPR erasure).")
            .WithDescription("Body: {\"user_id\": \"...\", \"dry_run\": false}. Searches every day that still has a salt, deletes the " +
                "user's raw events there and marks those days for re-aggregation. Days without a salt cannot be searched: their hashes " +
                "can no longer be linked to anyone. With dry_run, only counts.")
            .Accepts<EraseUserRequest>("application/json")
            .Produces<EraseUserResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new StoreOutageNote("The erasure did not finish: days already done stay done. Send the same request again."));

        admin.MapPost("/audit", AuditAsync)
            .WithName("Audit")
            .WithSummary("The raw views and downloads of one user id or one network organisation over a range of UTC days (at most 31).")
            .WithDescription("Body: {\"user_id\": \"...\"} or {\"organisation\": 513 | \"AS513\" | \"CERN\"}, with \"start_date\" and \"end_date\" " +
                "(yyyy-MM-dd). A user's events are found through each day's salt while it exists (as erase-user does); days whose salt is gone are " +
                "listed as not searchable. The query is recorded in the Admin page's audit list, a user's without the id.")
            .Accepts<AuditRequest>("application/json")
            .Produces<AuditResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        admin.MapGet("/imports", ListImportsAsync)
            .WithName("ImportRuns")
            .WithSummary("The latest runs of the import verb, newest first: when, what, how many.")
            .WithDescription("finished_at is null for a run that is still going or was interrupted: importing the same files again resumes it.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        admin.MapGet("/pipeline", PipelineApi.GetStatusAsync)
            .WithName("PipelineStatus")
            .WithSummary("The aggregation pipeline: last run, last success and failure, backlog (dirty days, events waiting, oldest), lease; and sources.queue, the queue consumer (null when off).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return admin;
    }

    /// <summary>
    /// A signed-in admin's browser sends the cookie with any site's form post: a change must be a JSON request, which another
    /// site cannot send without a CORS preflight that this API never grants. Keys are not sent by browsers on their own.
    /// </summary>
    private static async ValueTask<object?> RequireJsonFromSessions(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!ApiKeyAuthenticationHandler.IsKey(context.HttpContext.User)
            && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !request.HasJsonContentType())
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "JSON required",
                detail: "Send the request as 'Content-Type: application/json'.");
        }

        return await next(context);
    }

    internal static async Task<Ok<IReadOnlyList<ImportRunResponse>>> ListImportsAsync(ImportRuns runs, CancellationToken cancellationToken)
    {
        var list = await runs.ListAsync(cancellationToken: cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ImportRunResponse>>([.. list.Select(r => new ImportRunResponse(
            r.Id, r.StartedAt, r.FinishedAt, r.Format, r.Files, r.Lines, r.Imported, r.Duplicates, r.Skipped, r.BadLines, r.Held, r.Failure))]);
    }

    internal static async Task<IResult> EraseUserAsync(HttpContext http, UserErasure erasure, ILogger<EraseUserRequest> logger)
    {
        // Read here rather than bound by the framework: a bad body gets problem details.
        EraseUserRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<EraseUserRequest>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return BadRequest($"The body is not a JSON object like {{\"user_id\": \"...\"}}: {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(request?.UserId))
        {
            return BadRequest("Field 'user_id' is required: the id of the user whose raw events are erased.");
        }

        var result = await erasure.EraseAsync(request.UserId, request.DryRun, http.RequestAborted);

        // Never the user id: the log would keep what the erasure removes.
        logger.LogInformation(
            "User erasure{DryRun} by {Caller}: {Events} raw events on {Days} searchable day(s).",
            result.DryRun ? " (dry run)" : "", ApiKeyAuthenticationHandler.CallerName(http.User), result.Events, result.DaysSearched.Count);
        return TypedResults.Ok(new EraseUserResponse(
            result.DryRun,
            result.Events,
            [.. result.DaysSearched.Select(d => new ErasedDayResponse(d.Day, d.Events))],
            result.DaysNotSearchable,
            ErasureNote));
    }

    internal static async Task<IResult> AuditAsync(HttpContext http, Stats.Core.Investigation.AuditQueries audits)
    {
        AuditRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<AuditRequest>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return AuditProblem($"The body is not a JSON object like {{\"organisation\": 513, \"start_date\": \"2026-06-01\", \"end_date\": \"2026-06-07\"}}: {ex.Message}");
        }

        var organisation = request?.Organisation is { ValueKind: JsonValueKind.Number or JsonValueKind.String } o
            ? (o.ValueKind == JsonValueKind.Number ? o.GetRawText() : o.GetString())
            : null;
        if (request is null || string.IsNullOrWhiteSpace(request.UserId) == string.IsNullOrWhiteSpace(organisation))
        {
            return AuditProblem("Give one of 'user_id' and 'organisation' (an AS number or a part of its name).");
        }

        if (request.StartDate is not { } start || request.EndDate is not { } end || end < start ||
            end.DayNumber - start.DayNumber + 1 > Stats.Core.Investigation.AuditQueries.MaxDays)
        {
            return AuditProblem($"'start_date' and 'end_date' are required (yyyy-MM-dd), the end on or after the start, at most {Stats.Core.Investigation.AuditQueries.MaxDays} days.");
        }

        var caller = ApiKeyAuthenticationHandler.CallerName(http.User);
        var result = string.IsNullOrWhiteSpace(organisation)
            ? await audits.UserAsync(request.UserId!, start, end, caller, http.RequestAborted)
            : await audits.OrganisationAsync(organisation, start, end, caller, http.RequestAborted);
        return TypedResults.Ok(new AuditResponse(result.DaysSearched, result.DaysNotSearchable, result.Events));
    }

    private static ProblemHttpResult AuditProblem(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is not a valid audit", detail: detail);

    /// <summary>What the two lists of days mean, for whoever reads the answer (an auditor, a data protection officer).</summary>
    internal const string ErasureNote =
        "Days searched still have a salt: the user's raw events on them are deleted and the days are re-aggregated. " +
        "Days not searchable have no salt any more: their visitor hashes cannot be linked to anyone, so they hold no personal data of the user. " +
        "Aggregates hold counts only.";

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is not a valid erasure", detail: detail);
}
