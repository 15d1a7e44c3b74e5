using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stats.Benchmarks;

/// <summary>
/// The real dashboard (its <c>Program</c>, every registration and middleware) on Kestrel over loopback, in the
/// Production environment, on a fresh store. Logs go to standard error, warnings and worse only.
/// </summary>
internal sealed class DashboardHost(BenchmarkStore store, Dictionary<string, string?>? extraSettings = null) : WebApplicationFactory<Program>
{
    /// <summary>
    /// Production does not start without an OpenID Connect provider. Nobody signs in during a benchmark (machines use API
    /// keys, anonymous readers the access rules), so the provider is never contacted: a loopback address where nothing
    /// listens is enough, and it is the only place the product lets a provider be reached over plain HTTP.
    /// </summary>
    private const string UnusedLoopbackProvider = "http://127.0.0.1:9/realms/benchmark";

    /// <summary>Starts Kestrel on a free loopback port and returns the address it listens on.</summary>
    public Uri Start()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reports no address.");
        return new Uri(addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            var settings = store.Settings();
            settings["Stats:Demo:SeedWhenEmpty"] = "false";
            settings["Stats:Auth:Oidc:Authority"] = UnusedLoopbackProvider;
            settings["Stats:Auth:Oidc:ClientId"] = "stats-benchmark";
            settings["Stats:Auth:Oidc:RequireHttpsMetadata"] = "false";
            settings["Logging:LogLevel:Default"] = "Warning";
            foreach (var (key, value) in extraSettings ?? [])
            {
                settings[key] = value;
            }

            configuration.AddInMemoryCollection(settings);
        });
        builder.ConfigureLogging(logging => logging
            .ClearProviders()
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning)
            .AddBenchmarkFilters());
    }
}
