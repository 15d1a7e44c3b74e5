using System.Reflection;
using Microsoft.Extensions.Configuration;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Demo;
using Stats.Core.Enrichment;
using Stats.Core.Events;
using Stats.Core.Import;
using Stats.Core.Ingestion;
using Stats.Core.Reports;
using Stats.Core.Reports.Dsr;
using Stats.Core.Reports.OpenAire;
using Stats.Core.Retention;
using Stats.Dashboard.Auth;

namespace Stats.Tests.Docs;

/// <summary>appsettings.Example.json promises every setting the product reads: keep that promise checked.</summary>
public sealed class AppSettingsExampleTests
{
    public static TheoryData<Type, string> OptionTypes => new()
    {
        { typeof(DatabaseOptions), DatabaseOptions.SectionName },
        { typeof(RobotOptions), RobotOptions.SectionName },
        { typeof(GeoOptions), GeoOptions.SectionName },
        { typeof(DemoDataOptions), DemoDataOptions.SectionName },
        { typeof(IngestionOptions), IngestionOptions.SectionName },
        { typeof(PrivacyOptions), PrivacyOptions.SectionName },
        { typeof(EventTypeOptions), EventTypeOptions.SectionName },
        { typeof(ImportOptions), ImportOptions.SectionName },
        { typeof(AggregationOptions), AggregationOptions.SectionName },
        { typeof(RetentionOptions), RetentionOptions.SectionName },
        { typeof(SushiOptions), SushiOptions.SectionName },
        { typeof(DsrOptions), DsrOptions.SectionName },
        { typeof(OpenAireOptions), OpenAireOptions.SectionName },
        { typeof(AuthOptions), AuthOptions.SectionName },
        { typeof(OidcOptions), OidcOptions.SectionName },
        { typeof(ClaimMappingOptions), ClaimMappingOptions.SectionName },
        { typeof(Stats.Core.Access.AccessOptions), Stats.Core.Access.AccessOptions.SectionName },
        { typeof(Stats.Core.Queries.QueryLimits), Stats.Core.Queries.QueryLimits.SectionName },
        { typeof(Stats.Dashboard.Api.ApiOptions), Stats.Dashboard.Api.ApiOptions.SectionName },
        { typeof(Stats.Dashboard.Embeds.EmbedOptions), Stats.Dashboard.Embeds.EmbedOptions.SectionName },
    };

    [Theory]
    [MemberData(nameof(OptionTypes))]
    public void ExampleListsEverySettingOfEachOptionsClass(Type optionsType, string section)
    {
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot(), "appsettings.Example.json")).Build();
        var keys = example.AsEnumerable().Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var settings = optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        Assert.NotEmpty(settings);
        foreach (var setting in settings)
        {
            Assert.True(keys.Contains($"{section}:{setting.Name}"), $"appsettings.Example.json lacks {section}:{setting.Name}");
        }
    }

    [Fact]
    public void ExampleDefaultsMatchTheCodeDefaults()
    {
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot(), "appsettings.Example.json")).Build();

        var database = example.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>()!;
        var robots = example.GetSection(RobotOptions.SectionName).Get<RobotOptions>()!;
        var geo = example.GetSection(GeoOptions.SectionName).Get<GeoOptions>()!;
        var demo = example.GetSection(DemoDataOptions.SectionName).Get<DemoDataOptions>()!;
        var ingestion = example.GetSection(IngestionOptions.SectionName).Get<IngestionOptions>()!;

        Assert.Equivalent(new DatabaseOptions(), database);
        Assert.Equivalent(new RobotOptions(), robots);
        Assert.Equivalent(new GeoOptions(), geo);
        Assert.Equivalent(new DemoDataOptions(), demo);
        Assert.Equivalent(new IngestionOptions(), ingestion);
        Assert.Equivalent(new PrivacyOptions(), example.GetSection(PrivacyOptions.SectionName).Get<PrivacyOptions>());
        Assert.Equivalent(new AggregationOptions(), example.GetSection(AggregationOptions.SectionName).Get<AggregationOptions>());
        Assert.Equivalent(new RetentionOptions(), example.GetSection(RetentionOptions.SectionName).Get<RetentionOptions>());
        Assert.Equivalent(new SushiOptions(), example.GetSection(SushiOptions.SectionName).Get<SushiOptions>());
        Assert.Equivalent(new DsrOptions(), example.GetSection(DsrOptions.SectionName).Get<DsrOptions>());
        Assert.Equivalent(new OpenAireOptions(), example.GetSection(OpenAireOptions.SectionName).Get<OpenAireOptions>());
        Assert.Equivalent(new AuthOptions(), example.GetSection(AuthOptions.SectionName).Get<AuthOptions>());
        Assert.Equivalent(new Stats.Dashboard.Api.ApiOptions(), example.GetSection(Stats.Dashboard.Api.ApiOptions.SectionName).Get<Stats.Dashboard.Api.ApiOptions>());
        Assert.Equivalent(new OidcOptions(), example.GetSection(OidcOptions.SectionName).Get<OidcOptions>());
        Assert.Equivalent(new ClaimMappingOptions(), example.GetSection(ClaimMappingOptions.SectionName).Get<ClaimMappingOptions>());
        Assert.Equivalent(new Stats.Core.Access.AccessOptions(), example.GetSection(Stats.Core.Access.AccessOptions.SectionName).Get<Stats.Core.Access.AccessOptions>());
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Stats.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Stats.sln not found above " + AppContext.BaseDirectory);
    }
}
