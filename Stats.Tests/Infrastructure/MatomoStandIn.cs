using System.Collections.Concurrent;
using System.Text.Json;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Stats.Tests.Infrastructure;

/// <summary>One bulk tracking POST as the stand-in received it.</summary>
public sealed record MatomoPost(string Body)
{
    private JsonElement Root => JsonDocument.Parse(Body).RootElement;

    /// <summary>Whether the stand-in answered it with success.</summary>
    public bool Tracked { get; init; }

    public string? TokenAuth => Root.TryGetProperty("token_auth", out var token) ? token.GetString() : null;

    /// <summary>Each request's parameters, decoded, in order.</summary>
    public IReadOnlyList<Dictionary<string, string>> Requests =>
        [.. Root.GetProperty("requests").EnumerateArray().Select(r => Parameters(r.GetString()!))];

    /// <summary>A request's query string (with or without its leading '?') as a dictionary of decoded parameters.</summary>
    public static Dictionary<string, string> Parameters(string query)
    {
        var parsed = HttpUtility.ParseQueryString(query.TrimStart('?'));
        return parsed.AllKeys.OfType<string>().ToDictionary(k => k, k => parsed[k]!, StringComparer.Ordinal);
    }
}

/// <summary>
/// A Matomo tracking endpoint on loopback: records every POST body and answers like Matomo's bulk tracking API, or
/// with 503 for the posts <see cref="Fails"/> picks.
/// </summary>
public sealed class MatomoStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _received;

    private MatomoStandIn(WebApplication app) => _app = app;

    /// <summary>Every POST received, failed ones included, in order.</summary>
    public ConcurrentQueue<MatomoPost> Posts { get; } = new();

    /// <summary>The posts answered with success.</summary>
    public IReadOnlyList<MatomoPost> Tracked => [.. Posts.Where(p => p.Tracked)];

    /// <summary>Which posts fail with 503, by their 0-based number: none unless told.</summary>
    public Func<int, bool> Fails { get; set; } = _ => false;

    public Uri TrackingUrl { get; private set; } = null!;

    public static async Task<MatomoStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new MatomoStandIn(app);
        app.MapPost("/matomo.php", standIn.TrackAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        standIn.TrackingUrl = new Uri(app.Urls.Single() + "/matomo.php");
        return standIn;
    }

    private async Task<IResult> TrackAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        if (Fails(Interlocked.Increment(ref _received) - 1))
        {
            Posts.Enqueue(new MatomoPost(body) { Tracked = false });
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var post = new MatomoPost(body) { Tracked = true };
        Posts.Enqueue(post);
        return Results.Json(new { status = "success", tracked = post.Requests.Count, invalid = 0 });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
