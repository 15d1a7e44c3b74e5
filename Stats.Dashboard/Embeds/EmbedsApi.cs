using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Dashboard.Embeds;

/// <summary>
/// The embeds (<c>/embed/...</c>, an iframe's page), the badges (<c>/badge/.../{metric}.svg</c>) and the embed JSON that
/// <c>/embed.js</c> reads: plain server-rendered answers, no circuit and no script, public and cacheable. They show what
/// an anonymous visitor may see, whoever asks, because a proxy may give the same answer to anyone.
/// </summary>
public static class EmbedsApi
{
    public static IHostApplicationBuilder AddStatsEmbeds(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmbedOptions>().BindConfiguration(EmbedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EmbedAnswers>();
        return builder;
    }

    public static IEndpointRouteBuilder MapEmbedsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Embeds").AllowAnonymous();
        group.MapGet("/embed/records/{recid}.json", (string recid, HttpContext http, EmbedAnswers answers) => JsonAsync(recid, http, answers))
            .WithName("EmbedRecordJson")
            .WithSummary("A record's public usage as JSON, for sites that draw it themselves (embed.js does); any origin may read it.");
        group.MapGet("/embed/records/{recid}", (string recid, HttpContext http, EmbedAnswers answers) => HtmlAsync(EmbedSubject.Record, recid, http, answers))
            .WithName("EmbedRecord").WithSummary("A record's usage as a small HTML page to frame.");
        group.MapGet("/embed/communities/{id}", (string id, HttpContext http, EmbedAnswers answers) => HtmlAsync(EmbedSubject.Community, id, http, answers))
            .WithName("EmbedCommunity").WithSummary("A community's usage as a small HTML page to frame.");
        group.MapGet("/embed/users/{id}", (string id, HttpContext http, EmbedAnswers answers) => HtmlAsync(EmbedSubject.User, id, http, answers))
            .WithName("EmbedUser").WithSummary("The usage of a user's records as a small HTML page to frame.");
        group.MapGet("/badge/records/{recid}/{metric}.svg", (string recid, string metric, HttpContext http, EmbedAnswers answers) => BadgeAsync(EmbedSubject.Record, recid, metric, http, answers))
            .WithName("BadgeRecord").WithSummary("A record's usage as a shields-style SVG badge.");
        group.MapGet("/badge/communities/{id}/{metric}.svg", (string id, string metric, HttpContext http, EmbedAnswers answers) => BadgeAsync(EmbedSubject.Community, id, metric, http, answers))
            .WithName("BadgeCommunity").WithSummary("A community's usage as a shields-style SVG badge.");
        group.MapGet("/badge/users/{id}/{metric}.svg", (string id, string metric, HttpContext http, EmbedAnswers answers) => BadgeAsync(EmbedSubject.User, id, metric, http, answers))
            .WithName("BadgeUser").WithSummary("The usage of a user's records as a shields-style SVG badge.");
        return app;
    }

    private static Task<IResult> HtmlAsync(EmbedSubject subject, string id, HttpContext http, EmbedAnswers answers)
    {
        if (Invalid(http, id, EmbedPeriod.Months12, out var query) is { } problem)
        {
            return Task.FromResult<IResult>(problem);
        }

        var pathBase = http.Request.PathBase.Value ?? "";
        return AnswerAsync(
            http, answers, $"html|{subject}|{id}|{query.Key}|{pathBase}", subject, id, query,
            data => (Encoding.UTF8.GetBytes(EmbedHtml.Render(data, query, pathBase)), "text/html; charset=utf-8"),
            () => Results.Content(EmbedHtml.Unavailable(subject, query), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable));
    }

    private static Task<IResult> BadgeAsync(EmbedSubject subject, string id, string metricName, HttpContext http, EmbedAnswers answers)
    {
        if (!EmbedQuery.TryParseMetric(metricName, out var metric))
        {
            return Task.FromResult<IResult>(Problem($"The badge's metric is '{metricName}', but it must be one of: views, downloads, unique_views, unique_downloads, volume."));
        }

        // A badge shows all time unless asked otherwise: what a repository's "1.2k downloads" usually means.
        if (Invalid(http, id, EmbedPeriod.All, out var query) is { } problem)
        {
            return Task.FromResult<IResult>(problem);
        }

        return AnswerAsync(
            http, answers, $"badge|{subject}|{id}|{metricName}|{query.Key}", subject, id, query,
            data => (Encoding.UTF8.GetBytes(BadgeSvg.Render(data, metric, query)), "image/svg+xml; charset=utf-8"),
            () => Results.Content(BadgeSvg.Unavailable(metric, query), "image/svg+xml; charset=utf-8", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable));
    }

    private static Task<IResult> JsonAsync(string recid, HttpContext http, EmbedAnswers answers)
    {
        // Any site may read these public numbers; no credentials are asked for or honoured (no Allow-Credentials).
        http.Response.Headers.AccessControlAllowOrigin = "*";
        if (Invalid(http, recid, EmbedPeriod.Months12, out var query) is { } problem)
        {
            return Task.FromResult<IResult>(problem);
        }

        var pathBase = http.Request.PathBase.Value ?? "";
        return AnswerAsync(
            http, answers, $"json|{recid}|{query.Key}|{pathBase}", EmbedSubject.Record, recid, query,
            data => (EmbedJson.Render(data, query, pathBase), "application/json; charset=utf-8"),
            () => Problem("The statistics are not available right now; try again later.", StatusCodes.Status503ServiceUnavailable));
    }

    private static async Task<IResult> AnswerAsync(
        HttpContext http, EmbedAnswers answers, string key, EmbedSubject subject, string id, EmbedQuery query,
        Func<EmbedData, (byte[] Body, string ContentType)> render, Func<IResult> unavailable)
    {
        EmbedAnswer answer;
        try
        {
            answer = await answers.GetAsync(key, subject, id, query, render);
        }
        catch (Exception ex) when (StoreOutage.IsOutage(ex))
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EmbedsApi))
                .LogWarning("{Path}: the store is unavailable ({Cause}).", http.Request.Path, StoreOutage.Describe(ex));
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.RetryAfter = ((int)StoreOutage.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return unavailable();
        }

        var headers = http.Response.Headers;
        headers.CacheControl = answers.CacheSeconds > 0 ? $"public, max-age={answers.CacheSeconds}" : "no-cache";
        headers.ETag = answer.ETag;
        if (Matches(http.Request.Headers.IfNoneMatch, answer.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(answer.Body, answer.ContentType);
    }

    /// <summary>Whether a revalidation names this answer's tag (or any, <c>*</c>); weak tags compare as equal (RFC 9110 13.1.2).</summary>
    internal static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (candidate == "*" || candidate == etag || (candidate.StartsWith("W/", StringComparison.Ordinal) && candidate[2..] == etag))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static ProblemHttpResult? Invalid(HttpContext http, string id, EmbedPeriod defaultPeriod, out EmbedQuery query)
    {
        query = null!;
        if (IdRules.IdProblem(id) is { } idProblem)
        {
            return Problem($"The id {idProblem}.");
        }

        if (EmbedQuery.Parse(http.Request.Query, defaultPeriod, out var error) is not { } parsed)
        {
            return Problem(error!);
        }

        query = parsed;
        return null;
    }

    private static ProblemHttpResult Problem(string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(detail, statusCode: status, title: status == StatusCodes.Status400BadRequest ? "Invalid embed request" : "Statistics unavailable");
}
