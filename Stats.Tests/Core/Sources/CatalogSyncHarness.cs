using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Core.Sources.Catalog;
using Stats.Tests.Infrastructure;
using Record = Stats.Core.Data.Record;

namespace Stats.Tests.Core.Sources;

/// <summary>The product's catalog sync over a test store, with real HTTP to the stand-ins and a fake clock.</summary>
internal static class CatalogSyncHarness
{
    private static readonly IHttpClientFactory s_http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    public static CatalogSyncRunner Runner(TestStore store, TimeProvider clock, params CatalogSourceOptions[] sources)
    {
        var options = new CatalogSyncOptions();
        options.Sources.AddRange(sources);
        return new CatalogSyncRunner(store.Contexts, s_http, Options.Create(options), clock, NullLogger<CatalogSyncRunner>.Instance);
    }

    public static CatalogSourceOptions Zenodo(OaiPmhStandIn oai, string prefix = "oai_datacite") => new()
    {
        Name = "zenodo",
        Kind = CatalogSourceKind.OaiPmh,
        Url = oai.BaseUrl.ToString(),
        MetadataPrefix = prefix,
        CommunitySetPattern = "user-{community}",
        RecidPattern = "oai:zenodo.org:{recid}",
        DoiPattern = "10.5281/zenodo.{recid}",
    };

    public static CatalogSourceOptions Rdm(InvenioRdmStandIn rdm, int pageSize = 100, string? token = null) => new()
    {
        Name = "rdm",
        Kind = CatalogSourceKind.InvenioRdm,
        Url = rdm.BaseUrl.ToString(),
        PageSize = pageSize,
        Token = token,
    };

    public static async Task<CatalogSyncReport> SyncAsync(this CatalogSyncRunner runner, bool full = false) =>
        await runner.SyncAsync(runner.Sources[0], full, progress: null, TestContext.Current.CancellationToken);

    /// <summary>Syncs, and fails the test if the sync failed.</summary>
    public static async Task<CatalogSyncReport> SyncOkAsync(this CatalogSyncRunner runner, bool full = false)
    {
        var report = await runner.SyncAsync(full);
        Assert.True(report.LeaseAcquired, "The sync did not get the lease.");
        Assert.True(report.Error is null, report.Error);
        return report;
    }

    public static async Task<Record?> RecordAsync(this TestStore store, string recid)
    {
        await using var context = store.CreateContext();
        return await context.Records.AsNoTracking().Include(r => r.Communities).FirstOrDefaultAsync(r => r.ExternalId == recid, TestContext.Current.CancellationToken);
    }

    public static async Task<CatalogSourceState> StateAsync(this TestStore store, string source)
    {
        await using var context = store.CreateContext();
        return await context.CatalogSourceStates.AsNoTracking().SingleAsync(s => s.Name == source, TestContext.Current.CancellationToken);
    }

    public static string[] CommunitiesOf(Record record) => [.. record.Communities.Select(c => c.ExternalId).Order(StringComparer.Ordinal)];
}
