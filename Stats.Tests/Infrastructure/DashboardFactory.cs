using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// The whole dashboard in memory, on a SQLite file of its own that goes away with it. As a class fixture it serves
/// one class's tests; a test that needs other settings creates its own with <see cref="DashboardFactory(IReadOnlyDictionary{string, string?})"/>.
/// </summary>
public sealed class DashboardFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public DashboardFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="settings">Configuration on top of the test defaults (<c>Stats:Section:Key</c> paths).</param>
    internal DashboardFactory(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        DatabasePath = _folder.Combine("App_Data", "stats.db");
    }

    /// <summary>The dashboard's SQLite file; the dashboard creates it when it migrates on start.</summary>
    public string DatabasePath { get; }

    /// <summary>A new API key with <paramref name="scopes"/>, as the <c>apikey create</c> verb makes one.</summary>
    public async Task<string> CreateKeyAsync(params string[] scopes) =>
        (await Services.GetRequiredService<ApiKeyService>().CreateAsync("test", scopes, TestContext.Current.CancellationToken)).Key;

    /// <summary>A client that sends a new key with <paramref name="scopes"/> as <c>Authorization: Bearer</c>.</summary>
    public async Task<HttpClient> CreateClientWithKeyAsync(params string[] scopes)
    {
        var key = await CreateKeyAsync(scopes);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public ValueTask InitializeAsync()
    {
        // Builds and starts the host, so that start-up failures surface here rather than in the first request.
        _ = Server;
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["Stats:Database:Provider"] = "Sqlite",
                ["Stats:Database:ConnectionString"] = $"Data Source={DatabasePath}",
                ["Stats:Demo:SeedWhenEmpty"] = "false",
                // Tests send events of fixed dates, years old by now: retention would reject them. Retention tests turn it on.
                ["Stats:Retention:RawEventMaxAgeDays"] = "0",
            };
            foreach (var (key, value) in _settings)
            {
                settings[key] = value;
            }

            configuration.AddInMemoryCollection(settings);
        });
    }
}
