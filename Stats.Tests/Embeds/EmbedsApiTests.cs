using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;

namespace Stats.Tests.Embeds;

/// <summary>The embeds, badges and embed JSON over HTTP: what they show, to whom, in which language, and how they are cached.</summary>
public sealed class EmbedsApiTests(EmbedsDashboard dashboard) : IClassFixture<EmbedsDashboard>
{
    private static readonly DateOnly s_today = EmbedsDashboard.Today;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A record with two days of usage in the last 30 days, one a year before, and a concept of two versions.</summary>
    private async Task SeedRecordAsync(string recid, string? community = null)
    {
        await using var seed = dashboard.Seed();
        var communities = community is null ? null : new[] { await seed.CommunityAsync(community) };
        var record = await seed.RecordAsync(recid, parent: recid + "-concept", owner: recid + "-owner", communities: communities);
        var concept = await seed.LabelAsync(LabelKind.Concept, recid + "-concept");
        await seed.LabelAsync(LabelKind.Owner, recid + "-owner");
        seed.Usage(StatScope.Record, record.Id, s_today.AddDays(-3), views: 1000, uniqueViews: 800, downloads: 100, uniqueDownloads: 90, volume: 5_000_000)
            .Usage(StatScope.Record, record.Id, s_today.AddDays(-10), views: 234, uniqueViews: 200, downloads: 20, uniqueDownloads: 10, volume: 1_000_000)
            .Usage(StatScope.Record, record.Id, s_today.AddDays(-400), views: 5000, uniqueViews: 4000)
            .Usage(StatScope.Concept, concept.Id, s_today.AddDays(-3), views: 3000, uniqueViews: 2500, downloads: 300, uniqueDownloads: 250);
        if (communities is not null)
        {
            seed.Usage(StatScope.Community, communities[0].Id, s_today.AddDays(-3), views: 4321, downloads: 12);
        }

        await seed.SaveAsync();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? ifNoneMatch = null)
    {
        using var client = dashboard.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        }

        return await client.SendAsync(request, Cancellation);
    }

    [Fact]
    public async Task RecordEmbedShowsTheLast30DaysOfThisVersionAndOfAllVersionsWithASparklineAndNoScript()
    {
        await SeedRecordAsync("emb-r1");

        using var response = await GetAsync("/embed/records/emb-r1?period=30d");
        var html = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div data-embed=\"views\"><dt>Views</dt><dd>1,234<small>all versions: 3,000</small></dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("<div data-embed=\"unique_downloads\"><dt>Unique downloads</dt><dd>100<small>all versions: 250</small></dd></div>", html, StringComparison.Ordinal);
        Assert.Contains("Last 30 days (17 May 2026 – 15 Jun 2026)", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"spark\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/records/emb-r1\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("_blazor", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeriodsSumTheirOwnDaysAndTheDefaultIsTwelveMonths()
    {
        await SeedRecordAsync("emb-period");

        var twelveMonths = await (await GetAsync("/embed/records/emb-period")).Content.ReadAsStringAsync(Cancellation);
        var allTime = await (await GetAsync("/embed/records/emb-period?period=all")).Content.ReadAsStringAsync(Cancellation);

        Assert.Contains("<dt>Views</dt><dd>1,234<", twelveMonths, StringComparison.Ordinal);
        Assert.Contains("Last 12 months (Jul 2025 – Jun 2026)", twelveMonths, StringComparison.Ordinal);
        Assert.Contains("<dt>Views</dt><dd>6,234<", allTime, StringComparison.Ordinal);
        Assert.Contains("All time (since May 2025)", allTime, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommunityAndUserEmbedsShowTheirOwnScopeWithoutVersions()
    {
        await SeedRecordAsync("emb-scopes", community: "emb-scopes-community");
        await using (var seed = dashboard.Seed())
        {
            // The owner's other record: a user's numbers are the sums of all its records'.
            var other = await seed.RecordAsync("emb-scopes-other", owner: "emb-scopes-owner");
            await seed.Usage(StatScope.Record, other.Id, s_today.AddDays(-5), views: 543).SaveAsync();
        }

        var community = await (await GetAsync("/embed/communities/emb-scopes-community?metrics=views,downloads")).Content.ReadAsStringAsync(Cancellation);
        var user = await (await GetAsync("/embed/users/emb-scopes-owner?metrics=views")).Content.ReadAsStringAsync(Cancellation);

        Assert.Contains("<div data-embed=\"views\"><dt>Views</dt><dd>4,321</dd></div><div data-embed=\"downloads\"><dt>Downloads</dt><dd>12</dd></div></dl>", community, StringComparison.Ordinal);
        Assert.Contains("href=\"/communities/emb-scopes-community\"", community, StringComparison.Ordinal);
        Assert.Contains("<div data-embed=\"views\"><dt>Views</dt><dd>1,777</dd></div></dl>", user, StringComparison.Ordinal);
        Assert.Contains("Usage of this user&#39;s records", user, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Answers => new()
    {
        { "/embed/records/emb-cache", "text/html" },
        { "/embed/communities/emb-cache-community", "text/html" },
        { "/embed/users/emb-cache-owner", "text/html" },
        { "/embed/records/emb-cache.json", "application/json" },
        { "/badge/records/emb-cache/downloads.svg", "image/svg+xml" },
        { "/badge/communities/emb-cache-community/views.svg", "image/svg+xml" },
        { "/badge/users/emb-cache-owner/volume.svg", "image/svg+xml" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task EveryAnswerIsPublicCacheableSmallAndRevalidatesTo304(string path, string mediaType)
    {
        await EnsureCacheRecordAsync();

        using var first = await GetAsync(path);
        var body = await first.Content.ReadAsByteArrayAsync(Cancellation);
        var etag = first.Headers.ETag;
        using var again = await GetAsync(path, etag?.Tag);
        using var changed = await GetAsync(path, "\"another\"");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", first.Headers.CacheControl?.ToString());
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.InRange(body.Length, 200, 20 * 1024);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal("public, max-age=300", again.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task AnswersWithDifferentOptionsHaveDifferentTags()
    {
        await EnsureCacheRecordAsync();

        using var english = await GetAsync("/embed/records/emb-cache");
        using var french = await GetAsync("/embed/records/emb-cache?lang=fr");
        using var englishAgain = await GetAsync("/embed/records/emb-cache");

        Assert.NotEqual(english.Headers.ETag, french.Headers.ETag);
        Assert.Equal(english.Headers.ETag, englishAgain.Headers.ETag);
    }

    private static readonly SemaphoreSlim s_cacheSeed = new(1, 1);
    private bool _cacheSeeded;

    private async Task EnsureCacheRecordAsync()
    {
        await s_cacheSeed.WaitAsync(Cancellation);
        try
        {
            await using var context = await dashboard.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation);
            if (!_cacheSeeded && !context.Records.Any(r => r.ExternalId == "emb-cache"))
            {
                await SeedRecordAsync("emb-cache", community: "emb-cache-community");
            }

            _cacheSeeded = true;
        }
        finally
        {
            s_cacheSeed.Release();
        }
    }

    [Fact]
    public async Task ARecordClosedByAnAccessRuleShowsStatisticsNotPublicAndNoNumberInAnyForm()
    {
        await SeedRecordAsync("emb-closed");
        await dashboard.Services.GetRequiredService<AccessRuleStore>().SetAsync(RuleTarget.Record("emb-closed"), StatFamily.Usage, Audience.Owners, "test", Cancellation);

        var html = await (await GetAsync("/embed/records/emb-closed?period=all")).Content.ReadAsStringAsync(Cancellation);
        var badge = await (await GetAsync("/badge/records/emb-closed/views.svg")).Content.ReadAsStringAsync(Cancellation);
        using var jsonResponse = await GetAsync("/embed/records/emb-closed.json");
        using var json = JsonDocument.Parse(await jsonResponse.Content.ReadAsStringAsync(Cancellation));

        Assert.Contains("Statistics not public", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-embed", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("[0-9]", System.Text.RegularExpressions.Regex.Replace(html, "<style>.*</style>|<[^>]+>", ""));
        Assert.Contains(">not public</text>", badge, StringComparison.Ordinal);
        Assert.DoesNotContain("6.2k", badge, StringComparison.Ordinal);
        Assert.False(json.RootElement.GetProperty("public").GetBoolean());
        Assert.False(json.RootElement.TryGetProperty("metrics", out _));
        Assert.False(json.RootElement.TryGetProperty("series", out _));
    }

    [Fact]
    public async Task FrenchLabelsAndNumbersComeWithLangFr()
    {
        await SeedRecordAsync("emb-fr");

        var html = await (await GetAsync("/embed/records/emb-fr?lang=fr-CA&period=30d")).Content.ReadAsStringAsync(Cancellation);
        var badge = await (await GetAsync("/badge/records/emb-fr/views.svg?lang=fr")).Content.ReadAsStringAsync(Cancellation);
        var german = await (await GetAsync("/embed/records/emb-fr?lang=de&period=30d")).Content.ReadAsStringAsync(Cancellation);

        var thousands = CultureInfo.GetCultureInfo("fr").NumberFormat.NumberGroupSeparator;
        Assert.Contains("<html lang=\"fr\">", html, StringComparison.Ordinal);
        Assert.Contains($"<dt>Vues</dt><dd>1{thousands}234<small>toutes versions : 3{thousands}000</small>", html, StringComparison.Ordinal);
        Assert.Contains("30 derniers jours", html, StringComparison.Ordinal);
        Assert.Contains("Plus de statistiques", html, StringComparison.Ordinal);
        Assert.Contains(">vues</text>", badge, StringComparison.Ordinal);
        Assert.Contains(">6,2k</text>", badge, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", german, StringComparison.Ordinal);
        Assert.Contains("<dt>Views</dt>", german, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "light", "light")]
    [InlineData("?theme=dark", "dark", "dark")]
    [InlineData("?theme=auto", "auto", "light dark")]
    public async Task TheThemeSetsThePagesColours(string query, string bodyClass, string colorScheme)
    {
        await SeedRecordAsync("emb-theme" + bodyClass);

        var html = await (await GetAsync($"/embed/records/emb-theme{bodyClass}{query}")).Content.ReadAsStringAsync(Cancellation);

        Assert.Contains($"<body class=\"{bodyClass}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<meta name=\"color-scheme\" content=\"{colorScheme}\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadgeShowsItsLabelAndACompactNumber()
    {
        await SeedRecordAsync("emb-badge");

        var views = await (await GetAsync("/badge/records/emb-badge/views.svg")).Content.ReadAsStringAsync(Cancellation);
        var recent = await (await GetAsync("/badge/records/emb-badge/views.svg?period=30d")).Content.ReadAsStringAsync(Cancellation);
        var volume = await (await GetAsync("/badge/records/emb-badge/volume.svg")).Content.ReadAsStringAsync(Cancellation);

        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", views, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"views: 6.2k\"", views, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"views: 1.2k\"", recent, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"volume: 6.0 MB\"", volume, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheJsonAnswersAnyOriginWithThePublicNumbersOnly()
    {
        await SeedRecordAsync("emb-json");

        using var response = await GetAsync("/embed/records/emb-json.json?period=30d&metrics=views,downloads");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var root = json.RootElement;

        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.True(root.GetProperty("public").GetBoolean());
        Assert.Equal(["views", "downloads"], root.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(1234, root.GetProperty("metrics")[0].GetProperty("value").GetInt64());
        Assert.Equal(3000, root.GetProperty("metrics")[0].GetProperty("all_versions").GetInt64());
        Assert.Equal(30, root.GetProperty("series").GetArrayLength());
        Assert.Equal(1000, root.GetProperty("series")[26].GetProperty("views").GetInt64());
        Assert.Equal("/records/emb-json", root.GetProperty("panel").GetString());
    }

    [Theory]
    [InlineData("/embed/records/emb-bad?theme=purple", "theme")]
    [InlineData("/embed/records/emb-bad?period=7d", "period")]
    [InlineData("/embed/records/emb-bad?metrics=views,likes", "likes")]
    [InlineData("/embed/records/emb-bad.json?lang=%3Cscript%3E", "lang")]
    [InlineData("/badge/records/emb-bad/likes.svg", "likes")]
    public async Task AWrongOptionIsA400ProblemNamingIt(string path, string named)
    {
        using var response = await GetAsync(path);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheScriptIsServedCompressedUnderFiveKilobytes()
    {
        using var client = dashboard.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/embed.js", UriKind.Relative));
        request.Headers.AcceptEncoding.ParseAdd("br, gzip");

        using var response = await client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsByteArrayAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentEncoding.Single() is "br" or "gzip");
        Assert.InRange(body.Length, 500, 5 * 1024);
    }

    [Fact]
    public async Task AnUnknownRecordShowsZerosNotAnError()
    {
        using var response = await GetAsync("/embed/records/emb-never-seen?period=30d");
        var html = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<dt>Views</dt><dd>0</dd>", html, StringComparison.Ordinal);
    }
}
