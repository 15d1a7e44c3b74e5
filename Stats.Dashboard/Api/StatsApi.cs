using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
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
/// access policy decides on each (its stat's family and <see cref="StatDefinition.TargetOfAsync"/>): one refused query refuses the
/// call, 401 for an anonymous caller and 403 for a signed-in one or a key, naming the query (ADR-009), as invenio-stats does.
/// </summary>
public static class StatsApi
{
    /// <summary>The most ids <c>GET /api/stats/records</c> takes at once.</summary>
    public const int MaxRecordIds = 1000;

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        // Anonymous callers too: who calls only matters to the access rules, which decide per query.
        // Front ends on the origins of Stats:Api:CorsOrigins call all of it from the browser, as they call invenio-stats.
        var api = app.MapGroup("/api/stats").WithTags("Stats").RequireAuthorization(StatsPolicies.Read).RequireCors(ReadApiCors.Policy);

        api.MapPost("", QueryAsync)
            .WithName("QueryStats")
            .WithSummary("Answer named stat queries: {\"name\": {\"stat\": STAT, \"params\": {...}}, ...} gives {\"name\": result, ...}.")
            .WithDescription("Up to Stats:Queries:MaxQueriesPerCall queries per call (50 by default); results use snake_case (invenio-stats). Dates are yyyy-MM-dd (or ISO date-times, " +
                "their UTC date), inclusive. Unknown ids answer zeros. An unknown stat or parameter, a malformed body, a bad date, interval " +
                "or size is a 400 whose detail names the query.")
            .AddOpenApiOperationTransformer((operation, context, _) =>
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
                DescribeAnswers(operation, context.ApplicationServices.GetRequiredService<StatRegistry>());
                return Task.CompletedTask;
            })
            .Produces<Dictionary<string, JsonElement>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
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
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapPost("/records", PostRecordsAsync)
            .WithName("RecordStatsByBody")
            .WithSummary($"As GET /api/stats/records, with the ids in the body: {{\"recid\": [...], \"start_date\": ..., \"end_date\": ...}}, up to {MaxRecordIds:N0} ids.")
            .WithDescription("For lists of ids longer than a URL may be. Dates are optional, yyyy-MM-dd.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Required = new HashSet<string> { "recid" },
                                Properties = new Dictionary<string, IOpenApiSchema>
                                {
                                    ["recid"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                                    [StatParameters.StartDate] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
                                    [StatParameters.EndDate] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
                                },
                            },
                        },
                    },
                };
                return Task.CompletedTask;
            })
            .Produces<Dictionary<string, RecordUsage>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .DisableAntiforgery();

        return app;
    }

    /// <summary>
    /// The answer of <c>POST /api/stats</c>: under each name, the answer of its stat, one schema per stat (titled with its name),
    /// from the types the stats answer with (<see cref="StatSchemas"/>).
    /// </summary>
    private static void DescribeAnswers(OpenApiOperation operation, StatRegistry registry)
    {
        var answers = registry.All.Select(stat =>
        {
            var schema = ToOpenApi(StatSchemas.Of(stat.AnswerType));
            schema.Title = stat.Name;
            schema.Description = stat.Description;
            return (IOpenApiSchema)schema;
        }).ToList();
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Description = "Each query's answer under its name; the answer of a stat is the schema titled with its name.";
            response.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { OneOf = answers } } },
            };
        }
    }

    /// <summary>A JSON schema as System.Text.Json exports it, in OpenAPI's model: the keywords the answers' schemas use.</summary>
    private static OpenApiSchema ToOpenApi(JsonNode? node)
    {
        var schema = new OpenApiSchema();
        if (node is not JsonObject json)
        {
            return schema;
        }

        if (json["type"] is { } type)
        {
            var names = type is JsonArray many ? many.Select(t => t!.GetValue<string>()) : [type.GetValue<string>()];
            schema.Type = names.Aggregate((JsonSchemaType)0, (all, name) => all | Enum.Parse<JsonSchemaType>(name, ignoreCase: true));
        }

        schema.Description = json["description"]?.GetValue<string>();
        schema.Format = json["format"]?.GetValue<string>();
        if (json["properties"] is JsonObject properties)
        {
            schema.Properties = properties.ToDictionary(p => p.Key, p => (IOpenApiSchema)ToOpenApi(p.Value));
        }

        if (json["items"] is { } items)
        {
            schema.Items = ToOpenApi(items);
        }

        if (json["required"] is JsonArray required)
        {
            schema.Required = required.Select(r => r!.GetValue<string>()).ToHashSet();
        }

        if (json["enum"] is JsonArray values)
        {
            schema.Enum = [.. values.OfType<JsonNode>().Select(v => v.DeepClone())];
        }

        return schema;
    }

    internal static async Task<IResult> QueryAsync(
        HttpContext http, StatRegistry registry, IAccessPolicy policy, ViewerClaims claims, IOptions<QueryLimits> options,
        CancellationToken cancellationToken)
    {
        var viewer = claims.ViewerOf(http.User);
        var limits = options.Value;
        var (document, unreadable) = await ReadJsonAsync(http, limits);
        if (unreadable is not null)
        {
            return unreadable;
        }

        using (document)
        {
            if (document!.RootElement.ValueKind != JsonValueKind.Object)
            {
                return BadQuery("The body is not an object of queries",
                    "Send a JSON object of result names to queries: {\"views\": {\"stat\": \"record-view\", \"params\": {\"recid\": \"abcd-1234\"}}}.", query: null);
            }

            if (document.RootElement.GetPropertyCount() is var count && count > limits.MaxQueriesPerCall)
            {
                return BadQuery("Too many queries",
                    $"{count:N0} queries in one call; at most {limits.MaxQueriesPerCall:N0} ({QueryLimits.SectionName}:{nameof(QueryLimits.MaxQueriesPerCall)}).", query: null);
            }

            // Every query is decided before any runs: a refused call reveals nothing of the others.
            var queries = new List<(string Name, StatDefinition Stat, StatParameters Parameters)>();
            foreach (var query in document.RootElement.EnumerateObject())
            {
                try
                {
                    if (queries.Any(q => q.Name == query.Name))
                    {
                        throw new StatQueryException("The name is given to two queries: each answer needs a name of its own.");
                    }

                    if (query.Value.ValueKind != JsonValueKind.Object ||
                        !query.Value.TryGetProperty("stat", out var stat) || stat.ValueKind != JsonValueKind.String)
                    {
                        throw new StatQueryException("A query is an object with a \"stat\" name and optional \"params\".");
                    }

                    var parameters = query.Value.TryGetProperty("params", out var given) ? StatParameters.FromJson(given) : StatParameters.Empty;
                    var definition = registry.Find(stat.GetString()!);
                    var decision = await policy.DecideAsync(viewer, definition.Family, await definition.TargetOfAsync(parameters, cancellationToken), cancellationToken);
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

            // Written as the queries answer, so that an answer too large is refused before it is all held in memory.
            var answer = new ArrayBufferWriter<byte>();
            await using (var writer = new Utf8JsonWriter(answer))
            {
                writer.WriteStartObject();
                foreach (var (name, stat, parameters) in queries)
                {
                    object result;
                    try
                    {
                        result = await stat.RunAsync(parameters, cancellationToken);
                    }
                    catch (StatQueryException ex)
                    {
                        return BadQuery("A query is not valid", $"Query '{name}': {ex.Message}", name);
                    }

                    if (result is IHistogram { BucketCount: var buckets } && buckets > limits.MaxHistogramBuckets)
                    {
                        return BadQuery("Too many buckets",
                            $"Query '{name}': {buckets:N0} buckets; at most {limits.MaxHistogramBuckets:N0} per histogram " +
                            $"({QueryLimits.SectionName}:{nameof(QueryLimits.MaxHistogramBuckets)}): choose a shorter range or a longer interval.", name);
                    }

                    writer.WritePropertyName(name);
                    JsonSerializer.Serialize(writer, result, result.GetType(), StatJson.Options);
                    await writer.FlushAsync(cancellationToken);
                    if (answer.WrittenCount > limits.MaxAnswerBytes)
                    {
                        return BadQuery("The answer is too large",
                            $"The answer grows past {limits.MaxAnswerBytes:N0} bytes at query '{name}' ({QueryLimits.SectionName}:{nameof(QueryLimits.MaxAnswerBytes)}): " +
                            "ask fewer queries per call, shorter ranges or longer intervals.", name);
                    }
                }

                writer.WriteEndObject();
            }

            return TypedResults.Bytes(answer.WrittenMemory.ToArray(), "application/json; charset=utf-8");
        }
    }

    internal static Ok<List<StatDescription>> ListStats(StatRegistry registry) =>
        TypedResults.Ok(registry.All.Select(s => new StatDescription(s.Name, s.Description, s.Parameters)).ToList());

    internal static Task<IResult> RecordsAsync(
        HttpContext http,
        UsageStats usage,
        AccessPolicy policy,
        ViewerClaims claims,
        [FromQuery(Name = "recid")] string[]? recid,
        [FromQuery(Name = StatParameters.StartDate)] string? startDate,
        [FromQuery(Name = StatParameters.EndDate)] string? endDate,
        CancellationToken cancellationToken) =>
        RecordsOfAsync(http, usage, policy, claims, recid ?? [], startDate, endDate, cancellationToken);

    /// <summary>
    /// <c>POST /api/stats/records</c> with <c>{"recid": [...], "start_date": ..., "end_date": ...}</c>: the same answer as the
    /// GET, for lists of ids longer than a URL may be.
    /// </summary>
    internal static async Task<IResult> PostRecordsAsync(
        HttpContext http, UsageStats usage, AccessPolicy policy, ViewerClaims claims, IOptions<QueryLimits> options,
        CancellationToken cancellationToken)
    {
        var (document, unreadable) = await ReadJsonAsync(http, options.Value);
        if (unreadable is not null)
        {
            return unreadable;
        }

        using (document)
        {
            var root = document!.RootElement;
            const string Shape = "Send {\"recid\": [\"a\", \"b\"], \"start_date\": \"2026-01-01\", \"end_date\": \"2026-01-31\"} (dates optional).";
            if (root.ValueKind != JsonValueKind.Object)
            {
                return BadQuery("The body is not an object", Shape, query: null);
            }

            var recids = new List<string>();
            if (root.TryGetProperty("recid", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    return BadQuery("\"recid\" is not a list", Shape, query: null);
                }

                foreach (var item in list.EnumerateArray())
                {
                    switch (item.ValueKind)
                    {
                        case JsonValueKind.String:
                            recids.Add(item.GetString()!);
                            break;
                        case JsonValueKind.Number:
                            // Ids are often numbers (CDS recids), as in events.
                            recids.Add(item.GetRawText());
                            break;
                        default:
                            return BadQuery("A recid is not a string", Shape, query: null);
                    }
                }
            }

            string? Date(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            foreach (var name in (string[])[StatParameters.StartDate, StatParameters.EndDate])
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return BadQuery("A parameter is not valid", $"'{name}' must be a date as a string (yyyy-MM-dd). {Shape}", query: null);
                }
            }

            return await RecordsOfAsync(http, usage, policy, claims, recids, Date(StatParameters.StartDate), Date(StatParameters.EndDate), cancellationToken);
        }
    }

    private static async Task<IResult> RecordsOfAsync(
        HttpContext http,
        UsageStats usage,
        AccessPolicy policy,
        ViewerClaims claims,
        IReadOnlyList<string> recid,
        string? startDate,
        string? endDate,
        CancellationToken cancellationToken)
    {
        var recids = recid.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (recids.Count == 0)
        {
            return BadQuery("No record", "Name the records: /api/stats/records?recid=a&recid=b, or POST {\"recid\": [\"a\", \"b\"]}.", query: null);
        }

        if (recids.Count > MaxRecordIds)
        {
            return BadQuery("Too many records", $"{recids.Count:N0} records asked for; at most {MaxRecordIds:N0} per request.", query: null);
        }

        Period period;
        try
        {
            foreach (var id in recids)
            {
                StatParameters.Checked("recid", id);
            }

            period = new StatParameters(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [StatParameters.StartDate] = StatParameters.Checked(StatParameters.StartDate, startDate ?? ""),
                [StatParameters.EndDate] = StatParameters.Checked(StatParameters.EndDate, endDate ?? ""),
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

    /// <summary>
    /// The body as a JSON document, or the problem that refuses it: too large (413), not UTF-8, not JSON, or holding
    /// text that cannot be decoded (an escaped lone surrogate), each a 400 that says so.
    /// </summary>
    private static async Task<(JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpContext http, QueryLimits limits)
    {
        var body = await RequestBody.ReadAsync(http, limits.MaxBodyBytes);
        if (body is null)
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The body is too large",
                detail: $"The body is larger than {limits.MaxBodyBytes:N0} bytes ({QueryLimits.SectionName}:{nameof(QueryLimits.MaxBodyBytes)})."));
        }

        if (!Utf8.IsValid(body.Value.Span))
        {
            return (null, BadQuery("The body is not valid UTF-8", "JSON bodies are UTF-8: the body holds bytes that are not.", query: null));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Value);
        }
        catch (JsonException ex)
        {
            return (null, BadQuery("The body is not JSON", ex.Message, query: null));
        }

        if (!IsDecodable(document.RootElement))
        {
            document.Dispose();
            return (null, BadQuery("The body is not valid Unicode", "A string or a name holds an escaped lone surrogate (such as \\ud800 without its pair).", query: null));
        }

        return (document, null);
    }

    /// <summary>Whether every name and string of <paramref name="element"/> decodes: JSON escapes may spell text that is not Unicode.</summary>
    private static bool IsDecodable(JsonElement element)
    {
        try
        {
            Decode(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        static void Decode(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        Decode(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Decode(item);
                    }

                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
            }
        }
    }

    private static ProblemHttpResult BadQuery(string title, string detail, string? query) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: title,
            detail: detail,
            extensions: query is null ? null : new Dictionary<string, object?> { ["query"] = query });
}
