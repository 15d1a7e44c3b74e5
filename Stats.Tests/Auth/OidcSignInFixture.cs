using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Stats.Tests.Browser;

namespace Stats.Tests.Auth;

/// <summary>
/// The dashboard on Kestrel, signing users in with the test provider (<see cref="OidcTestProvider"/>) as it would with
/// Keycloak: its accounts' "groups" claim says who is an admin (stats-admins) and who curates what (curators-hep).
/// </summary>
public sealed class OidcSignInFixture : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stats-oidc-").FullName;
    private Dashboard? _dashboard;

    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{OidcTestProvider.FreePort()}");

    public OidcTestProvider Provider { get; private set; } = null!;

    public BrowserSession Browser { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Browser.InitializeAsync();
        if (Browser.Browser is null)
        {
            // The tests skip (or fail on CI) when they ask the session for a page.
            return;
        }

        Provider = await OidcTestProvider.StartAsync(BaseAddress);
        _dashboard = new Dashboard(BaseAddress, Provider.Issuer, _folder);
        _dashboard.StartServer();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }

        Provider?.Dispose();
        await Browser.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class Dashboard : WebApplicationFactory<Program>
    {
        private readonly Uri _issuer;
        private readonly string _folder;

        public Dashboard(Uri address, Uri issuer, string folder)
        {
            _issuer = issuer;
            _folder = folder;
            UseKestrel(options => options.Listen(IPAddress.Loopback, address.Port));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Development for the static web assets from the build; with a provider configured, there is no demo sign-in.
            builder.UseEnvironment("Development");
            builder.UseSetting("Stats:Database:Provider", "Sqlite");
            builder.UseSetting("Stats:Database:DataFolder", _folder);
            builder.UseSetting("Stats:Database:ConnectionString", "Data Source=stats.db");
            builder.UseSetting("Stats:Demo:SeedWhenEmpty", "false");
            builder.UseSetting("Stats:Auth:Oidc:Authority", _issuer.ToString());
            builder.UseSetting("Stats:Auth:Oidc:ClientId", OidcTestProvider.ClientId);
            builder.UseSetting("Stats:Auth:Oidc:ClientSecret", OidcTestProvider.ClientSecret);
            builder.UseSetting("Stats:Auth:Oidc:RequireHttpsMetadata", "false");
            builder.UseSetting("Stats:Auth:Oidc:Scopes:0", "profile");
            builder.UseSetting("Stats:Auth:Oidc:Scopes:1", "groups");
            builder.UseSetting("Stats:Auth:Claims:AdminValues:0", "stats-admins");
        }
    }
}
