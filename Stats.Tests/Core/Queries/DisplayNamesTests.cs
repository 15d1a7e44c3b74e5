using System.Globalization;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Queries;

namespace Stats.Tests.Core.Queries;

public sealed class DisplayNamesTests
{
    private static readonly CultureInfo s_french = CultureInfo.GetCultureInfo("fr");

    [Fact]
    public void EveryBuiltInEventTypeReadsAsItsDescriptionsNameInEnglishAndHasAFrenchOne()
    {
        Assert.All(EventCatalog.BuiltIn, type =>
        {
            Assert.Equal(type.DisplayName, DisplayNames.EventType(type.Name));
            Assert.NotEqual(type.DisplayName, DisplayNames.EventType(type.Name, s_french));
            Assert.NotEqual(type.Name, DisplayNames.EventType(type.Name, s_french));
        });
    }

    [Fact]
    public void ATypeAddedByConfigurationReadsAsItsName()
    {
        Assert.Equal("page-printed", DisplayNames.EventType("page-printed"));
        Assert.Equal("page-printed", DisplayNames.EventType("page-printed", s_french));
    }

    [Fact]
    public void EveryMetricHasANameInEachLanguageAndItsApiNameRoundTrips()
    {
        Assert.Equal(
            ["Views", "Unique views", "Downloads", "Unique downloads", "Data volume", "New records"],
            DisplayNames.Metrics.Select(m => DisplayNames.Of(m)));
        Assert.Equal(
            ["Vues", "Vues uniques", "Téléchargements", "Téléchargements uniques", "Volume de données", "Nouveaux documents"],
            DisplayNames.Metrics.Select(m => DisplayNames.Of(m, s_french)));
        Assert.All(DisplayNames.Metrics, m => Assert.Equal(m, DisplayNames.ParseMetric(DisplayNames.KeyOf(m).ToUpperInvariant())));
        Assert.Null(DisplayNames.ParseMetric("record-view"));
        Assert.Equal("Unique downloads", DisplayNames.Of(UsageMetric.UniqueDownloads));
    }

    [Theory]
    [InlineData(AccessRight.Open, "Open", "Ouvert")]
    [InlineData(AccessRight.Embargoed, "Embargoed", "Sous embargo")]
    [InlineData(AccessRight.Restricted, "Restricted", "Restreint")]
    [InlineData(AccessRight.Closed, "Closed", "Fermé")]
    public void EveryAccessRightHasANameInEachLanguage(AccessRight right, string english, string french)
    {
        Assert.Equal(english, DisplayNames.Of(right));
        Assert.Equal(english, DisplayNames.AccessRight(right.ToString().ToLowerInvariant()));
        Assert.Equal(french, DisplayNames.Of(right, s_french));
    }

    [Fact]
    public void AnUnknownAccessRightReadsAsItself()
    {
        Assert.Equal("metadata-only", DisplayNames.AccessRight("metadata-only"));
    }
}
