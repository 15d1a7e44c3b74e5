using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Core.Queries;
using Stats.Core.Reports;

namespace Stats.Dashboard.Api;

/// <summary>What went wrong with an API request, as <see cref="ApiExceptionHandler"/> classified its exception.</summary>
/// <param name="RetryAfter">Set when the client may retry the same request later (the store is unavailable).</param>
public sealed record ApiFailure(int Status, string Title, string Detail, TimeSpan? RetryAfter = null);

/// <summary>
/// Endpoint metadata of an API whose errors have a shape of its own (SUSHI answers COUNTER exception objects): given
/// the failure, the answer, or null for the usual problem details.
/// </summary>
public interface IApiFailureShape
{
    IResult? Answer(ApiFailure failure);
}

/// <summary>
/// Endpoint metadata: what the caller should know when the store was unavailable during this endpoint's work (what was
/// kept, whether resending is safe), in place of the generic detail.
/// </summary>
public sealed record StoreOutageNote(string Detail);

/// <summary>
/// The API's one mapping from exceptions to answers: a store outage (<see cref="StoreOutage"/>) is 503 with Retry-After,
/// a bad query 400, a body too large 413, anything else 500 with a trace id and no stack trace (logged instead).
/// </summary>
internal sealed class ApiExceptionHandler(IOptions<SushiOptions> sushi, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>The requests whose errors this handler answers: the REST API and the report harvesters' SUSHI base.</summary>
    public static bool Covers(HttpContext http, string sushiBase) =>
        http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments(sushiBase);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        // Every exception handler middleware asks this handler; the pages' own (/Error) keeps the pages' errors.
        if (!Covers(http, sushi.Value.BasePath))
        {
            return false;
        }

        if (http.Response.HasStarted)
        {
            // Too late for a status: the connection is aborted, which the client sees as a failure.
            return false;
        }

        var endpoint = http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var failure = Classify(exception, endpoint?.Metadata.GetMetadata<StoreOutageNote>());
        if (failure.Status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "{Method} {Path} failed.", http.Request.Method, http.Request.Path);
        }
        else if (failure.RetryAfter is not null)
        {
            // An outage is not a bug: its cause is enough, and a stack trace per request would flood the log.
            logger.LogWarning("{Method} {Path}: the store is unavailable ({Cause}).", http.Request.Method, http.Request.Path, StoreOutage.Describe(exception));
        }

        http.Response.StatusCode = failure.Status;
        if (failure.RetryAfter is { } retryAfter)
        {
            http.Response.Headers[HeaderNames.RetryAfter] = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var answer = endpoint?.Metadata.GetMetadata<IApiFailureShape>()?.Answer(failure) ?? Problem(http, failure);
        await answer.ExecuteAsync(http);
        return true;
    }

    /// <summary>The failure an exception stands for; <paramref name="outageNote"/> replaces the generic detail of an outage.</summary>
    internal static ApiFailure Classify(Exception exception, StoreOutageNote? outageNote = null) => exception switch
    {
        _ when StoreOutage.IsOutage(exception) => new ApiFailure(
            StatusCodes.Status503ServiceUnavailable,
            "The store is unavailable",
            outageNote?.Detail ?? "The store cannot be used right now; nothing of this request was done. Retry later.",
            StoreOutage.RetryAfter),
        StatQueryException query => new ApiFailure(StatusCodes.Status400BadRequest, "A query is not valid", query.Message),
        MalformedBatchException malformed => new ApiFailure(StatusCodes.Status400BadRequest, "The body is not valid", malformed.Message),
        BatchTooLargeException tooLarge => new ApiFailure(StatusCodes.Status413PayloadTooLarge, "The batch is too large", tooLarge.Message),
        // The server's own limits (body size, a malformed request) carry their status.
        BadHttpRequestException bad => new ApiFailure(bad.StatusCode, "The request is not valid", bad.Message),
        _ => new ApiFailure(
            StatusCodes.Status500InternalServerError,
            "An unexpected error",
            "The request failed on our side; it is logged. Quote the trace id when you report it."),
    };

    private static ProblemHttpResult Problem(HttpContext http, ApiFailure failure) => TypedResults.Problem(
        statusCode: failure.Status,
        title: failure.Title,
        detail: failure.Detail,
        extensions: new Dictionary<string, object?> { ["traceId"] = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier });
}
