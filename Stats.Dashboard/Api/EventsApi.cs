using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Stats.Dashboard.Auth;
using Stats.Core.Ingestion;

namespace Stats.Dashboard.Api;

/// <summary>The answer to a batch: how many events were stored, how many were already there, and which were rejected.</summary>
public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<RejectedEvent> Rejected);

/// <summary><c>POST /api/events</c>: the repository platform sends raw events here.</summary>
public static class EventsApi
{
    private const string Ndjson = "application/x-ndjson";

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", PostEventsAsync)
            .WithName("PostEvents")
            .WithTags("Events")
            .WithSummary("Ingest a batch of events (JSON array, or NDJSON with Content-Type application/x-ndjson).")
            .WithDescription("Needs an API key with the 'ingest' scope. Valid events are stored even when others of the batch are rejected; " +
                "the answer is sent only once they are committed. Events with an 'id' are stored once however often they are sent.")
            // Documented by hand: Accepts() would also make routing refuse other content types with a bare 415,
            // where a body that is not JSON deserves a problem details answer.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                var batch = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = batch },
                        [Ndjson] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One event object per line." } },
                    },
                };
                return Task.CompletedTask;
            })
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            // A batch is committed whole or not at all (ApiExceptionHandler answers the outage).
            .WithMetadata(new StoreOutageNote("No event of this batch was stored. Retry later; events that carry an 'id' are safe to resend."))
            .DisableAntiforgery()
            .RequireAuthorization(StatsPolicies.Ingest);
        return app;
    }

    internal static async Task<IResult> PostEventsAsync(
        HttpContext http, EventIngestor ingestor, IOptions<IngestionOptions> options)
    {
        var limits = options.Value;
        var body = await RequestBody.ReadAsync(http, limits.MaxBodyBytes);
        if (body is null)
        {
            return TooLarge($"The body is larger than {limits.MaxBodyBytes:N0} bytes: send smaller batches.");
        }

        ReadBatch batch;
        try
        {
            batch = IsNdjson(http.Request.ContentType)
                ? EventReader.ReadNdjson(body.Value.Span, limits.MaxEvents)
                : EventReader.ReadJsonArray(body.Value.Span, limits.MaxEvents);
        }
        catch (MalformedBatchException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not a batch of events", detail: ex.Message);
        }
        catch (BatchTooLargeException ex)
        {
            return TooLarge(ex.Message);
        }

        var result = await ingestor.IngestAsync([.. batch.Events.Select(e => e.Event)], http.RequestAborted);

        // The ingestor numbers its rejections within the events it was given: map them back to the batch.
        var rejected = batch.Rejected
            .Concat(result.Rejected.Select(r => r with { Index = batch.Events[r.Index].Index }))
            .OrderBy(r => r.Index)
            .ToList();
        return TypedResults.Ok(new IngestResponse(result.Accepted, result.Duplicates, rejected));
    }

    private static bool IsNdjson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        (media.MediaType.Equals(Ndjson, StringComparison.OrdinalIgnoreCase) ||
         media.MediaType.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase));

    private static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The batch is too large", detail: detail);
}
