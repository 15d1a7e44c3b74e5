using System.Security.Claims;
using Microsoft.Extensions.Options;
using Stats.Dashboard.Access;
using Stats.Dashboard.Auth;

namespace Stats.Tests.Auth;

/// <summary>The provider's claims become the canonical ones the access rules read, by configuration.</summary>
public sealed class ClaimMapperTests
{
    private static readonly ClaimMappingOptions s_options = new() { AdminValues = ["stats-admins"], CuratorPattern = "curators-{community}" };

    [Fact]
    public void GroupsBecomeAdminAndCuratorRoles()
    {
        var viewer = ViewerOf(Map(("sub", "u-1"), ("name", "Alice"), ("groups", "stats-admins"), ("groups", "curators-hep"), ("groups", "physicists")));

        Assert.Equal(("u-1", "Alice", true), (viewer.UserId, viewer.DisplayName, viewer.IsAdmin));
        Assert.Equal(["hep"], viewer.CuratedCommunities);
    }

    [Fact]
    public void OnlyTheCanonicalClaimsAreKept()
    {
        var principal = Map(("sub", "u-1"), ("name", "Alice"), ("groups", "physicists"), ("email", "alice@example.org"), ("role", "admin"));

        Assert.Equal(["sub", "name"], principal.Claims.Select(c => c.Type));
    }

    [Fact]
    public void AJsonArrayClaimCountsAsItsValues()
    {
        var viewer = ViewerOf(Map(("sub", "u-1"), ("groups", """["curators-ecology","curators-climate"]""")));

        Assert.Equal(["climate", "ecology"], viewer.CuratedCommunities.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ConfiguredClaimNamesAreUsed()
    {
        var options = new ClaimMappingOptions { UserId = "oid", Name = "preferred_username", Roles = "roles", AdminValues = ["Stats.Admin"], CuratorPattern = "/curators/{community}" };

        var viewer = ViewerOf(Map(options, ("oid", "0000-1"), ("sub", "pairwise"), ("preferred_username", "ada@example.org"), ("roles", "Stats.Admin"), ("roles", "/curators/software")));

        Assert.Equal(("0000-1", "ada@example.org", true), (viewer.UserId, viewer.DisplayName, viewer.IsAdmin));
        Assert.Equal(["software"], viewer.CuratedCommunities);
    }

    [Fact]
    public void NameFallsBackToPreferredUsernameThenEmail()
    {
        Assert.Equal("ada", ViewerOf(Map(("sub", "u-1"), ("preferred_username", "ada"), ("email", "ada@example.org"))).DisplayName);
        Assert.Equal("ada@example.org", ViewerOf(Map(("sub", "u-1"), ("email", "ada@example.org"))).DisplayName);
    }

    [Fact]
    public void WithoutAUserIdThereIsNoPrincipal()
    {
        Assert.Null(new ClaimMapper(Options.Create(s_options)).Map(External(("name", "Nobody")), "oidc"));
    }

    [Theory]
    [InlineData("curators-hep", "curators-{community}", "hep")]
    [InlineData("curators-", "curators-{community}", null)]
    [InlineData("editors-hep", "curators-{community}", null)]
    [InlineData("/stats/hep/curators", "/stats/{community}/curators", "hep")]
    [InlineData("curators-hep", "", null)]
    public void CommunityOfAGroup(string group, string pattern, string? community)
    {
        Assert.Equal(community, ClaimMapper.CommunityOf(group, pattern));
    }

    private static ClaimsPrincipal Map(params (string Type, string Value)[] claims) => Map(s_options, claims);

    private static ClaimsPrincipal Map(ClaimMappingOptions options, params (string Type, string Value)[] claims) =>
        new ClaimMapper(Options.Create(options)).Map(External(claims), "oidc")!;

    private static ClaimsPrincipal External(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "external"));

    private static Stats.Core.Access.StatsViewer ViewerOf(ClaimsPrincipal principal) => new ViewerClaims().ViewerOf(principal);
}
