using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Stats.Core.Access;
using Stats.Core.Investigation;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Auth;

namespace Stats.Dashboard.Api;

/// <summary>
/// <c>/api/investigation</c>: the investigation page's summary and raw events, and their NDJSON and bulk exports, for
/// whoever the <c>investigation</c> access family lets see the scope (admins by default).
/// </summary>
public static class InvestigationApi
{
    public static RouteGroupBuilder MapInvestigationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/investigation")
            .WithTags("Investigation")
            .RequireAuthorization(StatsPolicies.Read)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/", SummarizeAsync)
            .WithName("Investigation")
            .WithSummary("Raw views and downloads of a scope in a UTC range: per hour counted, double-click removed, robot and machine; top organisations, user-agent families, referrer hosts, countries and visitors (a visitor within one day).")
            .WithDescription("Query: scope (repository, record, file, community), id (recid or community id), file_key (for a file), from and to (ISO 8601 UTC, to excluded, at most 31 days). The query is recorded in the audit list.")
            .Produces<InvestigationSummary>();

        group.MapGet("/events", EventsAsync)
            .WithName("InvestigationEvents")
            .WithSummary("The raw views and downloads of a scope and range, in time order: as JSON pages (offset, limit up to 1,000), or all of them as NDJSON (format=ndjson) or Elasticsearch/OpenSearch bulk lines (format=bulk).")
            .WithDescription("Same query as /api/investigation, and visitor (16 hex digits) for one visitor's events. The query is recorded in the audit list.")
            .Produces<InvestigationEventPage>();
        return group;
    }

    internal static async Task<IResult> SummarizeAsync(HttpContext http, ViewerClaims claims, IAccessPolicy policy, IInvestigationQueries queries)
    {
        if (await CheckAsync(http, claims, policy) is { } refused)
        {
            return refused;
        }

        var request = RequestOf(http.Request.Query, out var problem);
        return request is null
            ? BadRequest(problem!)
            : TypedResults.Ok(await queries.SummarizeAsync(request, ApiKeyAuthenticationHandler.CallerName(http.User), http.RequestAborted));
    }

    internal static async Task<IResult> EventsAsync(HttpContext http, ViewerClaims claims, IAccessPolicy policy, IInvestigationQueries queries)
    {
        if (await CheckAsync(http, claims, policy) is { } refused)
        {
            return refused;
        }

        var query = http.Request.Query;
        var request = RequestOf(query, out var problem);
        if (request is null)
        {
            return BadRequest(problem!);
        }

        var filter = new InvestigationFilter(query["visitor"].FirstOrDefault());
        var caller = ApiKeyAuthenticationHandler.CallerName(http.User);
        switch (query["format"].FirstOrDefault())
        {
            case null or "" or "json":
                var offset = int.TryParse(query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
                var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 100;
                return TypedResults.Ok(await queries.EventsAsync(request, filter, offset, limit, caller, http.RequestAborted));
            case "ndjson":
                return new ExportResult("application/x-ndjson", $"{FileName(request)}.ndjson",
                    output => InvestigationExport.WriteNdjsonAsync(queries.ExportAsync(request, filter, caller, http.RequestAborted), output, http.RequestAborted));
            case "bulk":
                return new ExportResult("application/x-ndjson", $"{FileName(request)}.bulk.ndjson",
                    output => InvestigationExport.WriteBulkAsync(queries.ExportAsync(request, filter, caller, http.RequestAborted), output, http.RequestAborted));
            default:
                return BadRequest("format must be json, ndjson or bulk.");
        }
    }

    /// <summary>The request in a query string; null with the problem when it is not a valid one.</summary>
    internal static InvestigationRequest? RequestOf(IQueryCollection query, out string? problem)
    {
        problem = null;
        if (!Enum.TryParse<InvestigationScope>(query["scope"].FirstOrDefault() ?? "repository", ignoreCase: true, out var scope) || !Enum.IsDefined(scope))
        {
            problem = "scope must be repository, record, file or community.";
            return null;
        }

        if (!TryTime(query["from"], out var from) || !TryTime(query["to"], out var to))
        {
            problem = "from and to are required, as ISO 8601 UTC times (2026-06-15T10:00:00Z).";
            return null;
        }

        var request = new InvestigationRequest(scope, query["id"].FirstOrDefault(), query["file_key"].FirstOrDefault(), from, to);
        problem = request.Problem();
        return problem is null ? request : null;
    }

    private static bool TryTime(string? text, out DateTime time)
    {
        var parsed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value);
        time = parsed ? value.UtcDateTime : default;
        return parsed;
    }

    /// <summary>The family's rule for the whole repository decides: the page reads across records.</summary>
    private static async Task<IResult?> CheckAsync(HttpContext http, ViewerClaims claims, IAccessPolicy policy)
    {
        var decision = await policy.DecideAsync(
            claims.ViewerOf(http.User), StatFamily.Investigation, new StatTarget(StatSubject.Repository, null), http.RequestAborted);
        return decision == AccessDecision.Allowed ? null : ApiRefusal.ByAccessRules(http, decision, "Raw events are for admins.", query: null);
    }

    private static string FileName(InvestigationRequest request) =>
        $"stats-events-{request.From:yyyyMMddTHHmm}-{request.To:yyyyMMddTHHmm}";

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is not a valid investigation", detail: detail);

    /// <summary>A download written as it is read, so that a big export never sits in memory whole.</summary>
    private sealed class ExportResult(string contentType, string fileName, Func<Stream, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = contentType;
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await write(httpContext.Response.Body);
        }
    }
}
