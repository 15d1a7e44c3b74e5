using Microsoft.Extensions.Configuration;
using Stats.Core.Events;
using Stats.Core.Import;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Import;

public sealed class ImportOptionsTests
{
    [Fact]
    public void WithoutConfiguredRoutesTheInvenioDefaultsApply()
    {
        var options = Bind([]);

        Assert.Empty(options.Validate());
        Assert.Same(ImportOptions.DefaultRoutes, options.EffectiveRoutes);
    }

    [Fact]
    public void ConfiguredRoutesReplaceTheDefaults()
    {
        // CERN Document Server's legacy Invenio URLs: /record/{recid} and /record/{recid}/files/{key}.
        var options = Bind(new()
        {
            ["Stats:Import:Routes:0:Pattern"] = "/record/{recid}",
            ["Stats:Import:Routes:0:Type"] = "record-view",
            ["Stats:Import:Routes:1:Pattern"] = "/record/{recid}/files/{*file_key}",
            ["Stats:Import:Routes:1:Type"] = "file-download",
        });

        Assert.Empty(options.Validate());
        Assert.Equal(["/record/{recid}", "/record/{recid}/files/{*file_key}"], options.EffectiveRoutes.Select(r => r.Pattern));
        var routes = new RouteTable(options.EffectiveRoutes);
        Assert.Equal(EventCatalog.FileDownload, routes.Match("/record/2884110/files/CMS-PAS-HIG-24-001.pdf")?.Type);
        Assert.Null(routes.Match("/records/2884110"));
    }

    [Theory]
    [InlineData("records/{recid}", "record-view", "must be a path starting with '/'")]
    [InlineData("/records/{recid}/{id}", "record-view", "unknown placeholder {id}")]
    [InlineData("/records/{recid}", "page-view", "Type 'page-view' is not an event type")]
    [InlineData("/records/{recid}/files", "file-download", "needs a {file_key} placeholder")]
    [InlineData("/records/{*file_key}/{recid}", "file-download", "the catch-all {*file_key} must be the last segment")]
    [InlineData("/records/{recid}/v-{version}", "record-view", "a segment is either literal text or one whole {placeholder}")]
    [InlineData("/records/{recid}/versions/{recid}", "record-view", "placeholder {recid} appears twice")]
    public void AWrongRouteIsRefusedWithItsSettingPath(string pattern, string type, string problem)
    {
        var options = Bind(new()
        {
            ["Stats:Import:Routes:0:Pattern"] = "/records/{recid}",
            ["Stats:Import:Routes:0:Type"] = "record-view",
            ["Stats:Import:Routes:1:Pattern"] = pattern,
            ["Stats:Import:Routes:1:Type"] = type,
        });

        var error = Assert.Single(options.Validate());
        Assert.StartsWith("Stats:Import:Routes:1: ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExampleSettingsListTheDefaultRoutes()
    {
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "appsettings.Example.json")).Build();

        var routes = example.GetSection(ImportOptions.SectionName).Get<ImportOptions>()!.Routes;

        Assert.Equivalent(ImportOptions.DefaultRoutes, routes, strict: true);
    }

    private static ImportOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(ImportOptions.SectionName).Get<ImportOptions>() ?? new ImportOptions();
}
