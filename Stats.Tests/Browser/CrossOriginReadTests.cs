using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stats.Tests.Browser;

/// <summary>
/// An invenio front end on another origin calling <c>POST /api/stats</c> from the browser: Chromium sends the preflight and
/// enforces the answer, so the page reads the statistics only when its origin is in <c>Stats:Api:CorsOrigins</c>.
/// </summary>
public sealed class CrossOriginReadTests(CrossOriginReadTests.Sites sites, BrowserSession browser) : IClassFixture<CrossOriginReadTests.Sites>, IClassFixture<BrowserSession>
{
    // The script a front end runs: a JSON body, so the browser asks first (a preflight), then reads the answer.
    private const string Fetch = """
        async url => {
          try {
            const response = await fetch(url, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ views: { stat: 'record-view', params: { recid: 'cors-page-1', start_date: '2024-06-01' } } }),
            });
            return 'read ' + response.status + ' ' + await response.text();
          } catch (e) {
            return 'refused ' + e.name;
          }
        }
        """;

    [Fact]
    public async Task APageOnAListedOriginReadsTheStatistics()
    {
        var answer = await FetchFromAsync(sites.Listed);

        Assert.Equal(
            """read 200 {"views":{"start_date":"2024-06-01T00:00:00","end_date":null,"recid":"cors-page-1","parent_recid":null,"views":0,"unique_views":0}}""",
            answer);
    }

    [Fact]
    public async Task APageOnAnOriginNotListedIsRefusedByTheBrowser()
    {
        var answer = await FetchFromAsync(sites.NotListed);

        Assert.Equal("refused TypeError", answer);
    }

    private async Task<string> FetchFromAsync(Uri site)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(site.ToString());
        return await page.EvaluateAsync<string>(Fetch, new Uri(sites.Dashboard.BaseAddress, "/api/stats").ToString());
    }

    /// <summary>
    /// The dashboard on Kestrel and two other loopback origins serving a page: the first is listed in the dashboard's
    /// <c>Stats:Api:CorsOrigins</c>, the second is not.
    /// </summary>
    public sealed class Sites : IAsyncLifetime
    {
        private readonly List<WebApplication> _pages = [];

        public Uri Listed { get; private set; } = null!;

        public Uri NotListed { get; private set; } = null!;

        public CorsDashboard Dashboard { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Listed = await StartPageAsync();
            NotListed = await StartPageAsync();
            Dashboard = new CorsDashboard(Listed.GetLeftPart(UriPartial.Authority));
            await Dashboard.InitializeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Dashboard.DisposeAsync();
            foreach (var page in _pages)
            {
                await page.DisposeAsync();
            }
        }

        private async Task<Uri> StartPageAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/", () => Results.Content("""<!doctype html><html lang="en"><head><title>A repository</title></head><body>Record</body></html>""", "text/html"));
            await app.StartAsync();
            _pages.Add(app);
            return new Uri(app.Urls.First());
        }
    }

    /// <summary>The dashboard on Kestrel, on an empty SQLite store of its own, letting <paramref name="origin"/> read its statistics.</summary>
    public sealed class CorsDashboard(string origin) : WebApplicationFactory<Program>, IAsyncLifetime
    {
        private readonly Infrastructure.TempFolder _folder = new();

        public Uri BaseAddress { get; private set; } = null!;

        public ValueTask InitializeAsync()
        {
            UseKestrel(0);
            StartServer();
            var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!;
            BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            return ValueTask.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _folder.Dispose();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Stats:Database:Provider", "Sqlite");
            builder.UseSetting("Stats:Database:ConnectionString", $"Data Source={_folder.Combine("stats.db")}");
            builder.UseSetting("Stats:Demo:SeedWhenEmpty", "false");
            builder.UseSetting("Stats:Api:CorsOrigins:0", origin);
        }
    }
}
