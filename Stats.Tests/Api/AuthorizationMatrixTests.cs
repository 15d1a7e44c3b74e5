using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api;

/// <summary>
/// Every endpoint and every page × every kind of viewer → what they get, with the default rules. The lists come from the app
/// itself (its endpoints, its routable components, its stats): an endpoint, page or stat family without a row here fails.
/// </summary>
public sealed class AuthorizationMatrixTests(SignedInDashboard dashboard) : IClassFixture<SignedInDashboard>, IAsyncLifetime
{
    // The catalog the viewers are matched against: rec-1 (a version of concept-1) is owner-1's, in community comm-a.
    private const string Recid = "matrix-rec-1";
    private const string Bucket = "matrix-bucket-1";
    private const string Concept = "matrix-concept-1";
    private const string Owner = "matrix-owner-1";
    private const string Community = "matrix-comm-a";
    private const string OtherCommunity = "matrix-comm-b";

    /// <summary>The columns of every row, in this order.</summary>
    private static readonly TestViewer[] s_viewers =
    [
        TestViewer.Anonymous,
        new("signed-in", "matrix-someone"),
        new("owner", Owner),
        new("curator of the record's community", "matrix-curator-a", ViewerClaims.CuratorRolePrefix + Community),
        new("curator of another community", "matrix-curator-b", ViewerClaims.CuratorRolePrefix + OtherCommunity),
        new("admin", "matrix-admin", ViewerClaims.AdminRole),
    ];

    private static int[] Everyone(int status) => [status, status, status, status, status, status];

    private static readonly int[] s_adminsOnly = [401, 403, 403, 403, 403, 200];

    /// <summary>Endpoints: "METHOD pattern" → the request made and each viewer's status. POST /api/stats is checked per family below.</summary>
    private static readonly Dictionary<string, (string Path, string? Body, int[] Expected)> s_endpoints = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = ("/healthz", null, Everyone(200)),
        ["GET /openapi/{documentName}.json"] = ("/openapi/v1.json", null, Everyone(200)),
        // Events come from the repository's servers, with an ingest key: a browser session never sends them.
        ["POST /api/events"] = ("/api/events", "[]", Everyone(401)),
        ["POST /api/admin/erase-user"] = ("/api/admin/erase-user", """{"user_id": "matrix-nobody", "dry_run": true}""", s_adminsOnly),
        ["GET /api/admin/pipeline"] = ("/api/admin/pipeline", null, s_adminsOnly),
        ["GET /api/admin/imports"] = ("/api/admin/imports", null, s_adminsOnly),
        ["POST /api/admin/audit"] = ("/api/admin/audit", """{"organisation": 513, "start_date": "2026-01-01", "end_date": "2026-01-01"}""", s_adminsOnly),
        ["GET /metrics"] = ("/metrics", null, s_adminsOnly),
        // Raw events: the investigation family, admins by default.
        ["GET /api/investigation/"] = ($"/api/investigation?scope=record&id={Recid}&from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z", null, s_adminsOnly),
        ["GET /api/investigation/events"] = ("/api/investigation/events?from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z&format=ndjson", null, s_adminsOnly),
        ["GET /api/stats/"] = ("/api/stats", null, Everyone(200)),
        ["GET /api/stats/records"] = ($"/api/stats/records?recid={Recid}", null, Everyone(200)),
        ["POST /api/stats/records"] = ("/api/stats/records", $$"""{"recid": ["{{Recid}}"]}""", Everyone(200)),
        // COUNTER_SUSHI harvesters always authenticate with an API key (the status endpoint is public, as the standard says).
        ["GET /sushi/r51/status"] = ("/sushi/r51/status", null, Everyone(200)),
        ["GET /sushi/r51/members"] = ("/sushi/r51/members", null, Everyone(401)),
        ["GET /sushi/r51/reports"] = ("/sushi/r51/reports", null, Everyone(401)),
        ["GET /sushi/r51/reports/pr"] = ("/sushi/r51/reports/pr", null, Everyone(401)),
        ["GET /sushi/r51/reports/pr_p1"] = ("/sushi/r51/reports/pr_p1", null, Everyone(401)),
        ["GET /sushi/r51/reports/ir"] = ("/sushi/r51/reports/ir", null, Everyone(401)),
        ["GET /sushi/r51/reports/ir_a1"] = ("/sushi/r51/reports/ir_a1", null, Everyone(401)),
        ["GET /sushi/rd1/reports/dsr"] = ("/sushi/rd1/reports/dsr", null, Everyone(401)),
        // Signing in and out (the tests run in Development without a provider: the demo-user picker). Forms without their
        // antiforgery token are refused, whoever sends them; /account/me says who is signed in, to anyone.
        ["GET /account/sign-in"] = ("/account/sign-in?returnUrl=/", null, Everyone(200)),
        ["POST /account/dev-sign-in"] = ("/account/dev-sign-in", null, Everyone(400)),
        ["POST /account/sign-out"] = ("/account/sign-out", null, Everyone(400)),
        ["GET /account/me"] = ("/account/me", null, Everyone(200)),
        // Embeds and badges show what an anonymous visitor may see, to everyone (a cache may hand them to anyone).
        ["GET /embed/records/{recid}"] = ($"/embed/records/{Recid}", null, Everyone(200)),
        ["GET /embed/records/{recid}.json"] = ($"/embed/records/{Recid}.json", null, Everyone(200)),
        ["GET /embed/communities/{id}"] = ($"/embed/communities/{Community}", null, Everyone(200)),
        ["GET /embed/users/{id}"] = ($"/embed/users/{Owner}", null, Everyone(200)),
        ["GET /badge/records/{recid}/{metric}.svg"] = ($"/badge/records/{Recid}/views.svg", null, Everyone(200)),
        ["GET /badge/communities/{id}/{metric}.svg"] = ($"/badge/communities/{Community}/downloads.svg", null, Everyone(200)),
        ["GET /badge/users/{id}/{metric}.svg"] = ($"/badge/users/{Owner}/unique_views.svg", null, Everyone(200)),
    };

    /// <summary>The kinds of API key, in this order: what each named policy (StatsPolicies) lets through.</summary>
    private static readonly (string Label, string Scope)[] s_keys = [("ingest key", ApiScopes.Ingest), ("read key", ApiScopes.Read), ("admin key", ApiScopes.Admin)];

    /// <summary>
    /// Endpoints: "METHOD pattern" → each kind of key's status (read keys read as a signed-in user). SUSHI routes get the key as
    /// api_key; a key that may harvest gets past the policy to COUNTER's own checks (1030 without customer_id, 3020 without dates).
    /// </summary>
    private static readonly Dictionary<string, int[]> s_endpointsForKeys = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = [200, 200, 200],
        ["GET /openapi/{documentName}.json"] = [200, 200, 200],
        ["POST /api/events"] = [200, 403, 403],
        ["POST /api/admin/erase-user"] = [403, 403, 200],
        ["GET /api/admin/pipeline"] = [403, 403, 200],
        ["GET /api/admin/imports"] = [403, 403, 200],
        ["POST /api/admin/audit"] = [403, 403, 200],
        // A key without the read scope is refused by the policy; a read key by the pipeline's access rule (admins).
        ["GET /metrics"] = [403, 403, 200],
        ["GET /api/investigation/"] = [403, 403, 200],
        ["GET /api/investigation/events"] = [403, 403, 200],
        ["GET /api/stats/"] = [200, 200, 200],
        ["GET /api/stats/records"] = [403, 200, 200],
        ["POST /api/stats/records"] = [403, 200, 200],
        ["GET /sushi/r51/status"] = [200, 200, 200],
        ["GET /sushi/r51/members"] = [401, 200, 200],
        ["GET /sushi/r51/reports"] = [401, 200, 200],
        ["GET /sushi/r51/reports/pr"] = [401, 400, 400],
        ["GET /sushi/r51/reports/pr_p1"] = [401, 400, 400],
        ["GET /sushi/r51/reports/ir"] = [401, 400, 400],
        ["GET /sushi/r51/reports/ir_a1"] = [401, 400, 400],
        ["GET /sushi/rd1/reports/dsr"] = [401, 400, 400],
        ["GET /account/sign-in"] = [200, 200, 200],
        ["POST /account/dev-sign-in"] = [400, 400, 400],
        ["POST /account/sign-out"] = [400, 400, 400],
        ["GET /account/me"] = [200, 200, 200],
        ["GET /embed/records/{recid}"] = [200, 200, 200],
        ["GET /embed/records/{recid}.json"] = [200, 200, 200],
        ["GET /embed/communities/{id}"] = [200, 200, 200],
        ["GET /embed/users/{id}"] = [200, 200, 200],
        ["GET /badge/records/{recid}/{metric}.svg"] = [200, 200, 200],
        ["GET /badge/communities/{id}/{metric}.svg"] = [200, 200, 200],
        ["GET /badge/users/{id}/{metric}.svg"] = [200, 200, 200],
    };

    /// <summary>The framework's own endpoints (the circuit, static files): not the product's to rule.</summary>
    private static readonly HashSet<string> s_framework = new(StringComparer.Ordinal)
    {
        "/_blazor", "/_blazor/negotiate", "/_blazor/disconnect/", "/_blazor/initializers/", "/_framework/opaque-redirect", "{**path:file}",
    };

    /// <summary>POST /api/stats, per family of the stat queried: what each viewer gets with the default rules.</summary>
    private static readonly Dictionary<StatFamily, int[]> s_families = new()
    {
        [StatFamily.Usage] = Everyone(200),
        [StatFamily.Countries] = Everyone(200),
        [StatFamily.CommunityActivity] = Everyone(200),
        [StatFamily.TopUploaders] = [401, 403, 403, 200, 403, 200],
        [StatFamily.Organisations] = [401, 403, 403, 200, 403, 200],
        [StatFamily.Circulation] = s_adminsOnly,
        [StatFamily.SipStore] = s_adminsOnly,
    };

    public enum Shown
    {
        Content,
        SignIn,
        Forbidden,
    }

    private static Shown[] EveryoneSees() => [Shown.Content, Shown.Content, Shown.Content, Shown.Content, Shown.Content, Shown.Content];

    private static readonly Shown[] s_adminsSee = [Shown.SignIn, Shown.Forbidden, Shown.Forbidden, Shown.Forbidden, Shown.Forbidden, Shown.Content];

    /// <summary>Pages, by route: what each viewer sees (the content, a sign-in prompt, or "not allowed").</summary>
    private static readonly Dictionary<string, (string Path, Shown[] Expected)> s_pages = new(StringComparer.Ordinal)
    {
        ["/"] = ("/", EveryoneSees()),
        ["/records"] = ("/records", EveryoneSees()),
        ["/communities"] = ("/communities", EveryoneSees()),
        // The ranking of owners is for signed-in users; the form that opens a user's page is public.
        ["/users"] = ("/users", [Shown.SignIn, Shown.Content, Shown.Content, Shown.Content, Shown.Content, Shown.Content]),
        ["/map"] = ("/map", EveryoneSees()),
        ["/circulation"] = ("/circulation", s_adminsSee),
        ["/sip-store"] = ("/sip-store", s_adminsSee),
        ["/sipstore"] = ("/sipstore", s_adminsSee),
        ["/records/{Recid}"] = ($"/records/{Recid}", EveryoneSees()),
        ["/users/{OwnerId}"] = ($"/users/{Owner}", EveryoneSees()),
        // A community's top uploaders are for its curators (and admins); the rest of its page is public.
        ["/communities/{Id}"] = ($"/communities/{Community}", [Shown.SignIn, Shown.Forbidden, Shown.Forbidden, Shown.Content, Shown.Forbidden, Shown.Content]),
        // "My statistics" needs someone signed in: it is their own user page.
        ["/me"] = ("/me", [Shown.SignIn, Shown.Content, Shown.Content, Shown.Content, Shown.Content, Shown.Content]),
        ["/account/sign-in-failed"] = ("/account/sign-in-failed", EveryoneSees()),
        ["/admin"] = ("/admin", s_adminsSee),
        ["/admin/investigate"] = ("/admin/investigate", s_adminsSee),
        ["/not-found"] = ("/not-found", EveryoneSees()),
        ["/help"] = ("/help", EveryoneSees()),
        ["/Error"] = ("/Error", EveryoneSees()),
    };

    /// <summary>The navigation links each viewer gets (beyond the panels everyone gets), with the default rules.</summary>
    private static readonly string[][] s_restrictedLinks = [[], [], [], [], [], ["/circulation", "/sip-store", "/admin"]];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using var seed = new AggregateSeed(dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>());
        await using (var context = await dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation))
        {
            if (await context.Records.AnyAsync(r => r.ExternalId == Recid, Cancellation))
            {
                return;
            }
        }

        var community = await seed.CommunityAsync(Community);
        await seed.CommunityAsync(OtherCommunity);
        var record = await seed.RecordAsync(Recid, parent: Concept, owner: Owner, communities: [community]);
        // The bucket stats read the record their bucket belongs to: the same record's rules decide.
        await using var buckets = await dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation);
        buckets.RecordBuckets.Add(new RecordBucket { BucketId = Bucket, RecordId = record.Id, Source = "test", LearnedAt = DateTime.UtcNow });
        await buckets.SaveChangesAsync(Cancellation);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public void EveryEndpointHasARule()
    {
        var missing = ProductEndpoints().Where(e => e != "POST /api/stats/" && !(s_endpoints.ContainsKey(e) && s_endpointsForKeys.ContainsKey(e))).ToList();

        Assert.True(missing.Count == 0, $"Add a rule to AuthorizationMatrixTests for: {string.Join(", ", missing)}");
        Assert.Contains("POST /api/stats/", ProductEndpoints());
    }

    [Fact]
    public void EveryPageHasARule()
    {
        var routes = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => r.Template))
            .ToList();
        var missing = routes.Where(r => !s_pages.ContainsKey(r)).ToList();

        Assert.True(missing.Count == 0, $"Add a rule to AuthorizationMatrixTests for the page(s): {string.Join(", ", missing)}");
        Assert.Equal(routes.Order(StringComparer.Ordinal), PageEndpoints().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryStatFamilyHasARule()
    {
        var families = dashboard.Services.GetRequiredService<StatRegistry>().All.Select(s => s.Family).Distinct().ToList();

        Assert.All(families, f => Assert.True(s_families.ContainsKey(f), $"Add a rule to AuthorizationMatrixTests for the family {f}"));
    }

    public static TheoryData<string> Endpoints => [.. s_endpoints.Keys];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EachViewerGetsTheExpectedStatusFromTheEndpoint(string endpoint)
    {
        var (path, body, expected) = s_endpoints[endpoint];
        var method = new HttpMethod(endpoint.Split(' ')[0]);

        var actual = new List<int>();
        foreach (var viewer in s_viewers)
        {
            using var client = dashboard.CreateClient(viewer);
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, Cancellation);
            actual.Add((int)response.StatusCode);
        }

        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EachKindOfKeyGetsTheExpectedStatusFromTheEndpoint(string endpoint)
    {
        var (path, body, _) = s_endpoints[endpoint];
        var method = new HttpMethod(endpoint.Split(' ')[0]);

        var actual = new List<string>();
        foreach (var (label, scope) in s_keys)
        {
            var (client, key) = await dashboard.CreateClientWithKeyAsync(ApiKeyRole.SignedIn, scope);
            using (client)
            {
                var uri = path.StartsWith("/sushi/", StringComparison.Ordinal) ? $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}api_key={key}" : path;
                using var request = new HttpRequestMessage(method, new Uri(uri, UriKind.Relative));
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, Cancellation);
                actual.Add($"{label}: {(int)response.StatusCode}");
            }
        }

        Assert.Equal(s_keys.Select((k, i) => $"{k.Label}: {s_endpointsForKeys[endpoint][i]}"), actual);
    }

    public static TheoryData<string> Stats => [.. new SignedInDashboardStats().Names];

    [Theory]
    [MemberData(nameof(Stats))]
    public async Task EachViewerGetsTheExpectedStatusForEachStat(string stat)
    {
        var definition = dashboard.Services.GetRequiredService<StatRegistry>().Find(stat);
        var parameters = definition.Parameters.Where(p => p.Required).ToDictionary(p => p.Name, p => p.Name switch
        {
            "recid" => Recid,
            "parent_recid" => Concept,
            "bucket_id" => Bucket,
            "community" => Community,
            "owner_id" => Owner,
            "file_key" => "data.csv",
            "type" => SignedInDashboard.ConfiguredEventType,
            _ => throw new InvalidOperationException($"Give the matrix a value for the required parameter '{p.Name}' of '{stat}'."),
        });
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["q"] = new { stat, @params = parameters } });

        var actual = new List<int>();
        foreach (var viewer in s_viewers)
        {
            using var client = dashboard.CreateClient(viewer);
            using var response = await client.PostAsync(new Uri("/api/stats", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
            actual.Add((int)response.StatusCode);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
                Assert.Equal("q", problem.RootElement.GetProperty("query").GetString());
            }
        }

        Assert.Equal(Describe(s_families[definition.Family]), Describe(actual));
    }

    public static TheoryData<string> Pages => [.. s_pages.Keys];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EachViewerSeesWhatTheRulesAllowOnThePage(string route)
    {
        var (path, expected) = s_pages[route];

        var actual = new List<Shown>();
        for (var i = 0; i < s_viewers.Length; i++)
        {
            using var client = dashboard.CreateClient(s_viewers[i]);
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            var html = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            actual.Add(html.Contains("stats-access-sign-in", StringComparison.Ordinal) ? Shown.SignIn
                : html.Contains("stats-access-forbidden", StringComparison.Ordinal) ? Shown.Forbidden
                : Shown.Content);

            // The navigation lists the restricted panels only to those who may open them.
            foreach (var link in new[] { "/circulation", "/sip-store", "/admin" })
            {
                Assert.True(
                    html.Contains($"href=\"{link}\"", StringComparison.Ordinal) == s_restrictedLinks[i].Contains(link),
                    $"{s_viewers[i]} on {path}: the link to {link} should {(s_restrictedLinks[i].Contains(link) ? "" : "not ")}be there");
            }
        }

        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Fact]
    public async Task ASignedInAdminsChangeMustBeJsonSoThatAnotherSiteCannotForgeIt()
    {
        using var admin = dashboard.CreateClient(s_viewers[^1]);

        using var form = await admin.PostAsync(
            new Uri("/api/admin/erase-user", UriKind.Relative), new StringContent("""{"user_id": "matrix-nobody"}""", Encoding.UTF8, "text/plain"), Cancellation);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }

    private IEnumerable<RouteEndpoint> RouteEndpoints() =>
        dashboard.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    /// <summary>"METHOD pattern" of every endpoint that is neither a page, a static file nor the framework's.</summary>
    private List<string> ProductEndpoints() =>
        [.. RouteEndpoints()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is null
                && !e.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor")
                && !s_framework.Contains(Pattern(e)))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {Pattern(e)}"))
            .Distinct()];

    private List<string> PageEndpoints() =>
        [.. RouteEndpoints().Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).Select(Pattern).Distinct()];

    private static string Pattern(RouteEndpoint endpoint)
    {
        var raw = endpoint.RoutePattern.RawText ?? "";
        return raw.StartsWith('/') || raw.StartsWith('{') ? raw : "/" + raw;
    }

    private static string Describe<T>(IReadOnlyList<T> outcomes) =>
        string.Join("; ", outcomes.Select((o, i) => $"{s_viewers[i]}: {o}"));

    /// <summary>The stat names, read once for the theory data without a running dashboard.</summary>
    private sealed class SignedInDashboardStats
    {
        public IEnumerable<string> Names { get; } = new StatRegistry(null!, null!, null!, null!, null!).All.Select(s => s.Name).ToList();
    }
}
