using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stats.Tests.Browser;

/// <summary>
/// A repository's web site on another loopback origin than the dashboard's: it serves the page a test gives it, under the
/// content security policy a careful site would send, so that the embeds are tried as another site uses them.
/// </summary>
public sealed class HostSite : IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The site's origin (scheme, host and port), without a trailing slash.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>The HTML of <c>/</c>, and its content security policy.</summary>
    public (string Html, string Policy) Page { get; set; } = ("<!DOCTYPE html><title>Host</title>", "default-src 'none'");

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/", (HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = Page.Policy;
            return Results.Content(Page.Html, "text/html; charset=utf-8");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Origin = new Uri(address).GetLeftPart(UriPartial.Authority);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
