using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Api.Fuzzing;

/// <summary>
/// Malformed requests for every public endpoint, generated from a seed: whatever arrives, the answer is never a 5xx, a
/// refusal says why in the endpoint's error format, and a refused request leaves the store as it was (an ingestion
/// batch adds exactly the events it reports accepted). One run uses a fixed seed, the other a new one each time
/// (or <c>STATS_FUZZ_SEED</c>), printed on failure so that the failing cases can be replayed.
/// </summary>
public sealed class ApiFuzzTests(ApiFuzzTests.Fixture fixture) : IClassFixture<ApiFuzzTests.Fixture>
{
    private const int FixedSeed = 17;
    private const int CasesPerRun = 1600;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public Task NoFuzzedRequestOfTheFixedSeedGetsA5xxOrChangesTheStoreWhenRefused() => RunAsync(FixedSeed);

    [Fact]
    public Task NoFuzzedRequestOfAFreshSeedGetsA5xxOrChangesTheStoreWhenRefused() =>
        RunAsync(int.TryParse(Environment.GetEnvironmentVariable("STATS_FUZZ_SEED"), out var seed) ? seed : Random.Shared.Next());

    private async Task RunAsync(int seed)
    {
        var cases = new FuzzCases(seed, fixture.AdminKey);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < CasesPerRun && failures.Count < 10; i++)
        {
            var fuzz = cases.Next(i);
            try
            {
                var (status, failure) = await CheckAsync(fuzz);
                statuses[status / 100] = statuses.GetValueOrDefault(status / 100) + 1;
                if (failure is not null)
                {
                    failures.Add($"case {i}: {fuzz.Description}: {failure}\n  body: {Show(fuzz.Body)}");
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"case {i}: {fuzz.Description}: {ex.GetType().Name}: {ex.Message}\n  body: {Show(fuzz.Body)}");
            }
        }

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} answered {s.Key}xx"));
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}: {summary} in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"Fuzzing with seed {seed} (replay with STATS_FUZZ_SEED={seed}) found:\n{string.Join("\n", failures)}");
        // Cases that are refused and cases that are answered: the generator reaches both sides of every check.
        Assert.True(statuses.GetValueOrDefault(2) > 0 && statuses.GetValueOrDefault(4) > 0, summary);
    }

    /// <summary>The status of the answer, and what is wrong with it (null when nothing).</summary>
    private async Task<(int Status, string? Failure)> CheckAsync(FuzzCase fuzz)
    {
        var before = await fixture.FingerprintAsync();
        using var client = fixture.Dashboard.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AdminKey);
        using var request = new HttpRequestMessage(fuzz.Method, new Uri(fuzz.Path, UriKind.Relative));
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(fuzz.ContentType!);
        }

        using var response = await client.SendAsync(request, Cancellation);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        if (status >= 500)
        {
            return (status, Shorten(body));
        }

        var after = await fixture.FingerprintAsync();
        if (status >= 400)
        {
            if (RefusalProblem(fuzz.Refusal, response, body) is { } problem)
            {
                return (status, $"{problem}: {Shorten(body)}");
            }

            return (status, before == after ? null : $"refused, yet the store changed from {before} to {after}");
        }

        if (!fuzz.IsIngestion)
        {
            // Reads, and erasures of a user nobody is: nothing to store.
            return (status, before == after ? null : $"answered, yet the store changed from {before} to {after}");
        }

        using var answer = JsonDocument.Parse(body);
        var accepted = answer.RootElement.GetProperty("accepted").GetInt32();
        return (status, after.RawEvents - before.RawEvents == accepted ? null : $"{accepted} events accepted, {after.RawEvents - before.RawEvents} stored");
    }

    private static string? RefusalProblem(Refusal refusal, HttpResponseMessage response, string body)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        try
        {
            using var document = JsonDocument.Parse(body);
            return refusal switch
            {
                Refusal.ProblemDetails when mediaType != "application/problem+json" => $"is {mediaType}, not problem details",
                Refusal.ProblemDetails when !document.RootElement.TryGetProperty("title", out _) => "has no problem title",
                Refusal.CounterException when !(document.RootElement.TryGetProperty("Code", out _) || document.RootElement.TryGetProperty("code", out _)) =>
                    "is not a COUNTER exception",
                _ => null,
            };
        }
        catch (JsonException)
        {
            return $"is not JSON ({mediaType})";
        }
    }

    private static string Show(byte[]? body) => body is null ? "(none)" : Shorten(Encoding.UTF8.GetString(body));

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"... ({text.Length:N0} characters)";

    /// <summary>One dashboard for both runs, with an admin key that may do everything the fuzzed requests ask.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public DashboardFactory Dashboard { get; } = new(new Dictionary<string, string?>
        {
            // Nothing may change the store behind the fingerprint's back, and SUSHI's rate limit would answer 429 to most cases.
            ["Stats:Aggregation:Enabled"] = "false",
            ["Stats:Sushi:RequestsPerMinute"] = "0",
        });

        public string AdminKey { get; private set; } = "";

        /// <summary>Row counts of the tables requests can write, and the last raw event: equal fingerprints, an unchanged store.</summary>
        public async Task<StoreFingerprint> FingerprintAsync()
        {
            await using var context = await Dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation);
            return new StoreFingerprint(
                await context.RawEvents.CountAsync(Cancellation),
                await context.RawEvents.MaxAsync(e => (long?)e.Id, Cancellation),
                await context.Records.CountAsync(Cancellation),
                await context.RecordFiles.CountAsync(Cancellation),
                await context.Communities.CountAsync(Cancellation),
                await context.Labels.CountAsync(Cancellation),
                await context.DirtyDays.CountAsync(Cancellation),
                await context.AccessRules.CountAsync(Cancellation));
        }

        public async ValueTask InitializeAsync()
        {
            await Dashboard.InitializeAsync();
            var keys = Dashboard.Services.GetRequiredService<ApiKeyService>();
            AdminKey = (await keys.CreateAsync("fuzz", [ApiScopes.Ingest, ApiScopes.Read, ApiScopes.Admin], ApiKeyRole.Admin, Cancellation)).Key;
        }

        public ValueTask DisposeAsync() => Dashboard.DisposeAsync();
    }

    public sealed record StoreFingerprint(int RawEvents, long? LastRawEvent, int Records, int Files, int Communities, int Labels, int DirtyDays, int AccessRules);
}
