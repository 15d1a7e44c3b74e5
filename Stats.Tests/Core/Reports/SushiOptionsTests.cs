using Stats.Core.Reports;

namespace Stats.Tests.Core.Reports;

public sealed class SushiOptionsTests
{
    [Fact]
    public void TheDefaultsAreValid()
    {
        Assert.Empty(new SushiOptions().Validate());
    }

    [Fact]
    public void EachWrongSettingIsNamedInItsMessage()
    {
        var options = new SushiOptions
        {
            BasePath = "sushi/",
            PlatformId = "9lives",
            PlatformName = "X",
            InstitutionName = "",
            RegistryRecord = "https://example.org/me",
            RequestsPerMinute = -1,
        };

        var errors = options.Validate();

        Assert.Equal(6, errors.Count);
        foreach (var setting in new[] { "BasePath", "PlatformId", "PlatformName", "InstitutionName", "RegistryRecord", "RequestsPerMinute" })
        {
            Assert.Contains(errors, e => e.StartsWith($"Stats:Sushi:{setting} ", StringComparison.Ordinal));
        }
    }
}
