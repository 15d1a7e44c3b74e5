using Stats.Dashboard.Auth;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Auth;

/// <summary>Which <c>Stats:Auth</c> settings the dashboard starts with, and the one line it prints when it will not.</summary>
public sealed class AuthOptionsTests
{
    [Fact]
    public void WithoutAProviderOnlyDevelopmentStarts()
    {
        var none = new OidcOptions();

        Assert.Empty(none.Validate(isDevelopment: true));
        Assert.Contains("Stats:Auth:Oidc:Authority is not set", Assert.Single(none.Validate(isDevelopment: false)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://login.example.org/realms/stats", true, true)]
    [InlineData("http://127.0.0.1:8080/realms/stats", false, true)]
    [InlineData("http://localhost:8080/", false, true)]
    [InlineData("http://[::1]:8080/", false, true)]
    [InlineData("http://login.example.org/", false, false)]
    [InlineData("https://login.example.org/", false, false)]
    [InlineData("http://127.0.0.1:8080/", true, false)]
    [InlineData("login.example.org", true, false)]
    public void PlainHttpAndUncheckedMetadataOnlyForLoopbackProviders(string authority, bool requireHttps, bool valid)
    {
        var options = new OidcOptions { Authority = authority, ClientId = "stats", RequireHttpsMetadata = requireHttps };

        Assert.Equal(valid, options.Validate(isDevelopment: false).Count == 0);
    }

    [Fact]
    public void ProviderNeedsAClientId()
    {
        var errors = new OidcOptions { Authority = "https://login.example.org/" }.Validate(isDevelopment: true);

        Assert.Contains("Stats:Auth:Oidc:ClientId", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'self'", true)]
    [InlineData("https://repo.example.org", true)]
    [InlineData("https://*.example.org:8443", true)]
    [InlineData("*", false)]
    [InlineData("https://repo.example.org; script-src *", false)]
    [InlineData("'none'", false)]
    public void FrameAncestorsAreOriginsOnly(string source, bool valid)
    {
        Assert.Equal(valid, new AuthOptions { FrameAncestors = [source] }.Validate().Count == 0);
    }

    [Theory]
    [InlineData("curators-{community}", true)]
    [InlineData("", true)]
    [InlineData("curators", false)]
    [InlineData("{community}-{community}", false)]
    public void CuratorPatternHoldsTheCommunityOnce(string pattern, bool valid)
    {
        Assert.Equal(valid, new ClaimMappingOptions { CuratorPattern = pattern }.Validate().Count == 0);
    }

    [Fact]
    public async Task ProductionWithoutAProviderFailsToStartWithOneClearLine()
    {
        using var folder = new TempFolder();

        var result = await DashboardProcess.RunAsync(
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Stats__Database__DataFolder"] = folder.Path },
            "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("Configuration error: Stats:Auth:Oidc:Authority is not set", line, StringComparison.Ordinal);
    }
}
