using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Auth;

namespace Stats.Dashboard.Api;

/// <summary>A stat as <c>GET /api/stats</c> lists it.</summary>
public sealed record StatDescription(string Name, string Description, IReadOnlyList<StatParameter> Parameters);

/// <summary>
/// The query API, compatible with invenio-stats front ends: <c>POST /api/stats</c> answers named stat queries, <c>GET /api/stats</c>
/// lists the stats (public), <c>GET /api/stats/records</c> gives the usage of many records at once. Before any query runs, the
/// access policy decides on each (its stat's family and <see cref="StatDefinition.TargetOf"/>): one refused query refuses the
/// call, 401 for an anonymous caller and 403 for a signed-in one or a key, naming the query (ADR-009), as invenio-stats does.
/// </summary>
public static class StatsApi
{
    /// <summary>The most ids <c>GET /api/stats/records</c> takes at once.</summary>
    public const int MaxRecordIds = 1000;

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        // Anonymous callers too: who calls only matters to the access rules, which decide per query.
        var api = app.MapGroup("/api/stats").WithTags("Stats").RequireAuthorization(StatsPolicies.Read);

        api.MapPost("", QueryAsync)
            .WithName("QueryStats")
            .WithSummary("Answer named stat queries: {\"name\": {\"stat\": STAT, \"params\": {...}}, ...} gives {\"name\": result, ...}.")
            .WithDescription("Any number of queries per call; results use snake_case (invenio-stats). Dates are yyyy-MM-dd (or ISO date-times, " +
                "their UTC date), inclusive. Unknown ids answer zeros. An unknown stat or parameter, a malformed body, a bad date, interval " +
                "or size is a 400 whose detail names the query.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                var query = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "stat" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["stat"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A stat's name (GET /api/stats lists them)." },
                        ["params"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The stat's parameters." },
                    },
                };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = query } },
                    },
                };
                return Task.CompletedTask;
            })
            .Produces<Dictionary<string, JsonElement>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .DisableAntiforgery();

        api.MapGet("", ListStats)
            .WithName("ListStats")
            .WithSummary("Every stat with its parameters and a description.")
            .AllowAnonymous();

        api.MapGet("/records", RecordsAsync)
            .WithName("RecordStats")
            .WithSummary($"Views, unique views, downloads and unique downloads of up to {MaxRecordIds:N0} records (recid=a&recid=b...), keyed by recid.")
            .WithDescription("All time unless start_date or end_date is given. Ids without usage, or unknown, answer zeros. " +
                "A record whose usage the caller may not see refuses the call (401 anonymous, 403 otherwise) and is named.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return app;
    }

    internal static async Task<IResult> QueryAsync(
        HttpContext http, StatRegistry registry, IAccessPolicy policy, ViewerClaims claims, CancellationToken cancellationToken)
    {
        var viewer = claims.ViewerOf(http.User);
        var request = http.Request;
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return BadQuery("The body is not JSON", ex.Message, query: null);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return BadQuery("The body is not an object of queries",
                    "Send a JSON object of result names to queries: {\"views\": {\"stat\": \"record-view\", \"params\": {\"recid\": \"abcd-1234\"}}}.", query: null);
            }

            // Every query is decided before any runs: a refused call reveals nothing of the others.
            var queries = new List<(string Name, StatDefinition Stat, StatParameters Parameters)>();
            foreach (var query in document.RootElement.EnumerateObject())
            {
                try
                {
                    if (query.Value.ValueKind != JsonValueKind.Object ||
                        !query.Value.TryGetProperty("stat", out var stat) || stat.ValueKind != JsonValueKind.String)
                    {
                        throw new StatQueryException("A query is an object with a \"stat\" name and optional \"params\".");
                    }

                    var parameters = query.Value.TryGetProperty("params", out var given) ? StatParameters.FromJson(given) : StatParameters.Empty;
                    var definition = registry.Find(stat.GetString()!);
                    var decision = await policy.DecideAsync(viewer, definition.Family, definition.TargetOf(parameters), cancellationToken);
                    if (decision != AccessDecision.Allowed)
                    {
                        return ApiRefusal.ByAccessRules(http, decision, $"Query '{query.Name}': '{definition.Name}' reads {definition.Family} statistics that the caller may not see.", query.Name);
                    }

                    queries.Add((query.Name, definition, parameters));
                }
                catch (StatQueryException ex)
                {
                    return BadQuery("A query is not valid", $"Query '{query.Name}': {ex.Message}", query.Name);
                }
            }

            var results = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (name, stat, parameters) in queries)
            {
                try
                {
                    results[name] = await stat.RunAsync(parameters, cancellationToken);
                }
                catch (StatQueryException ex)
                {
                    return BadQuery("A query is not valid", $"Query '{name}': {ex.Message}", name);
                }
            }

            return TypedResults.Json(results, StatJson.Options);
        }
    }

    internal static Ok<List<StatDescription>> ListStats(StatRegistry registry) =>
        TypedResults.Ok(registry.All.Select(s => new StatDescription(s.Name, s.Description, s.Parameters)).ToList());

    internal static async Task<IResult> RecordsAsync(
        HttpContext http,
        UsageStats usage,
        AccessPolicy policy,
        ViewerClaims claims,
        [FromQuery(Name = "recid")] string[]? recid,
        [FromQuery(Name = StatParameters.StartDate)] string? startDate,
        [FromQuery(Name = StatParameters.EndDate)] string? endDate,
        CancellationToken cancellationToken)
    {
        var recids = (recid ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (recids.Count == 0)
        {
            return BadQuery("No record", "Name the records: /api/stats/records?recid=a&recid=b.", query: null);
        }

        if (recids.Count > MaxRecordIds)
        {
            return BadQuery("Too many records", $"{recids.Count:N0} records asked for; at most {MaxRecordIds:N0} per request.", query: null);
        }

        Period period;
        try
        {
            period = new StatParameters(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [StatParameters.StartDate] = startDate ?? "",
                [StatParameters.EndDate] = endDate ?? "",
            }).Period();
        }
        catch (StatQueryException ex)
        {
            return BadQuery("A parameter is not valid", ex.Message, query: null);
        }

        var (decision, refused) = await policy.DecideRecordsAsync(claims.ViewerOf(http.User), StatFamily.Usage, recids, cancellationToken);
        if (decision != AccessDecision.Allowed)
        {
            return ApiRefusal.ByAccessRules(http, decision, $"Record '{refused}': its usage statistics are not visible to the caller.", query: null);
        }

        return TypedResults.Ok(await usage.RecordsAsync(recids, period, cancellationToken));
    }

    private static ProblemHttpResult BadQuery(string title, string detail, string? query) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: title,
            detail: detail,
            extensions: query is null ? null : new Dictionary<string, object?> { ["query"] = query });
}
