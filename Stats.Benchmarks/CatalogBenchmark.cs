using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Sources.Catalog;

namespace Stats.Benchmarks;

/// <summary>The catalog suite's figure: a full OAI-PMH sync (oai_datacite pages of 100) from a local repository into an empty store.</summary>
internal sealed record CatalogSuiteReport(long Records, double Seconds, long RecordsPerS, IReadOnlyList<TargetCheck> Targets, MachineInfo Machine);

/// <summary>
/// Applies a repository's catalog over OAI-PMH from a repository on loopback that answers <c>oai_datacite</c> pages of
/// 100 (Zenodo's shape: a version of every other record, a community set per record), so that what is measured is the
/// sync (HTTP, XML, the store), not a remote server.
/// </summary>
internal static class CatalogBenchmark
{
    private const int PageSize = 100;
    private const int Communities = 20;
    private static readonly DateTime s_first = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<CatalogSuiteReport> RunAsync(BenchmarkStore store, long records, MachineInfo machine)
    {
        var contexts = new StatsDbContextFactory(store.Provider, store.ConnectionString);
        await new StoreMigrator(contexts, NullLogger<StoreMigrator>.Instance).MigrateAsync(CancellationToken.None);
        await using var repository = await StartRepositoryAsync(records);
        var options = new CatalogSyncOptions();
        options.Sources.Add(new CatalogSourceOptions
        {
            Name = "bench",
            Kind = CatalogSourceKind.OaiPmh,
            Url = repository.Urls.Single() + "/oai2d",
            MetadataPrefix = "oai_datacite",
            CommunitySetPattern = "user-{community}",
            RecidPattern = "oai:bench.example.org:{recid}",
            DoiPattern = "10.5281/bench.{recid}",
        });
        var http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        var runner = new CatalogSyncRunner(contexts, http, Options.Create(options), TimeProvider.System, NullLogger<CatalogSyncRunner>.Instance);

        Progress.Log($"catalog: a full OAI-PMH sync of {records:N0} records (oai_datacite, pages of {PageSize}) on {store.Provider}");
        var watch = Stopwatch.StartNew();
        var report = await runner.SyncAsync(options.Sources[0], full: true, progress: null, CancellationToken.None);
        watch.Stop();
        if (report.Error is not null || report.Seen != records)
        {
            throw new InvalidOperationException($"The sync read {report.Seen:N0} of {records:N0} records: {report.Error}");
        }

        var perSecond = (long)(records / watch.Elapsed.TotalSeconds);
        Progress.Log($"catalog: {perSecond:N0} records/s");
        store.ClearPool();
        return new CatalogSuiteReport(records, Math.Round(watch.Elapsed.TotalSeconds, 1), perSecond,
            [new("catalog_oai_records_per_s", ">= 2000 (3 million records in under half an hour)", perSecond, perSecond >= 2000)], machine);
    }

    private static async Task<WebApplication> StartRepositoryAsync(long records)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/oai2d", (HttpRequest request) => Results.Text(Answer(request, records), "text/xml", Encoding.UTF8));
        await app.StartAsync();
        return app;
    }

    private static string Answer(HttpRequest request, long records)
    {
        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><responseDate>2026-01-01T00:00:00Z</responseDate>");
        switch ((string?)request.Query["verb"])
        {
            case "ListSets":
                text.Append("<ListSets>");
                for (var c = 0; c < Communities; c++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"<set><setSpec>user-c{c}</setSpec><setName>Community {c}</setName></set>");
                }

                text.Append("</ListSets>");
                break;
            case "Identify":
                text.Append("<Identify><granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>");
                break;
            default:
                var offset = long.TryParse(request.Query["resumptionToken"], out var token) ? token : 0;
                text.Append("<ListRecords>");
                for (var i = offset; i < Math.Min(offset + PageSize, records); i++)
                {
                    Record(text, i);
                }

                text.Append(offset + PageSize < records ? $"<resumptionToken completeListSize=\"{records}\">{offset + PageSize}</resumptionToken>" : "<resumptionToken/>");
                text.Append("</ListRecords>");
                break;
        }

        return text.Append("</OAI-PMH>").ToString();
    }

    private static void Record(StringBuilder text, long i)
    {
        var recid = 1_000_000 + i;
        var version = i % 2 == 1 ? $"<relatedIdentifiers><relatedIdentifier relatedIdentifierType=\"DOI\" relationType=\"IsVersionOf\">10.5281/bench.{recid - 1}</relatedIdentifier></relatedIdentifiers>" : "";
        text.Append(CultureInfo.InvariantCulture,
            $"<record><header><identifier>oai:bench.example.org:{recid}</identifier><datestamp>{s_first.AddSeconds(i):yyyy-MM-dd'T'HH:mm:ss'Z'}</datestamp><setSpec>user-c{i % Communities}</setSpec></header>" +
            $"<metadata><oai_datacite xmlns=\"http://schema.datacite.org/oai/oai-1.1/\"><schemaVersion>4</schemaVersion><payload><resource xmlns=\"http://datacite.org/schema/kernel-4\">" +
            $"<identifier identifierType=\"DOI\">10.5281/bench.{recid}</identifier><creators><creator><creatorName>Doe, Jane</creatorName></creator></creators>" +
            $"<titles><title>Record {recid} of the benchmark repository</title></titles><publisher>Bench</publisher><publicationYear>2020</publicationYear>" +
            $"<dates><date dateType=\"Issued\">2020-01-01</date></dates><resourceType resourceTypeGeneral=\"Dataset\"/>{version}" +
            $"<rightsList><rights rightsURI=\"info:eu-repo/semantics/openAccess\">Open Access</rights></rightsList></resource></payload></oai_datacite></metadata></record>");
    }
}
