using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Queries;
using Stats.Dashboard;

namespace Stats.Tests.Browser;

/// <summary>
/// The real dashboard on Kestrel, on a fresh SQLite file, started the way a newcomer starts it: Development,
/// empty store, so it seeds demo data (a small set, to keep the test quick).
/// </summary>
public sealed class DashboardServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stats-browser-").FullName;

    public DashboardServer()
    {
        UseKestrel(0);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Another site, which the dashboard lets frame its embeds (Stats:Auth:FrameAncestors).</summary>
    public HostSite HostSite { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await HostSite.StartAsync();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        await Services.GetRequiredService<StartupTasks>().DemoSeed;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Stats:Database:Provider", "Sqlite");
        builder.UseSetting("Stats:Database:DataFolder", _folder);
        builder.UseSetting("Stats:Database:ConnectionString", "Data Source=stats.db");
        builder.UseSetting("Stats:Demo:SeedWhenEmpty", "true");
        builder.UseSetting("Stats:Demo:Days", "35");
        builder.UseSetting("Stats:Demo:Records", "25");
        builder.UseSetting("Stats:Auth:FrameAncestors:0", HostSite.Origin);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(OverviewQueries);
            services.AddSingleton<IOverviewQueries>(sp => OverviewQueries.Wrap(ActivatorUtilities.CreateInstance<OverviewQueries>(sp)));
        });
    }

    /// <summary>Counts the overview queries the pages run.</summary>
    public CountingOverviewQueries OverviewQueries { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await HostSite.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Passes overview queries through and counts them.</summary>
public sealed class CountingOverviewQueries : IOverviewQueries
{
    private IOverviewQueries? _inner;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public IOverviewQueries Wrap(IOverviewQueries inner)
    {
        _inner = inner;
        return this;
    }

    public Task<OverviewSummary> GetSummaryAsync(Period period, Period? previous, Interval interval, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return _inner!.GetSummaryAsync(period, previous, interval, cancellationToken);
    }
}
