using Stats.Core.Data;
using Stats.Core.Enrichment;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Enrichment;

public sealed class UserAgentFamilyTests
{
    [Theory]
    // Robots are named by the crawler-list pattern that matched them, whatever the case the robot writes.
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", EventTraits.Robot, "Googlebot")]
    [InlineData("MOZILLA/5.0 (COMPATIBLE; BINGBOT/2.0; +HTTP://WWW.BING.COM/BINGBOT.HTM)", EventTraits.Robot, "bingbot")]
    // Tools, by the tool's own name.
    [InlineData("curl/8.5.0", EventTraits.Machine, "curl")]
    [InlineData("Wget/1.21.4", EventTraits.Machine, "Wget")]
    [InlineData("python-requests/2.32.3", EventTraits.Machine, "python-requests")]
    [InlineData("Go-http-client/2.0", EventTraits.Machine, "Go-http-client")]
    // Browsers, where one's user agent names another: Edge says Chrome and Safari, Chrome says Safari.
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", EventTraits.None, "Firefox")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", EventTraits.None, "Chrome")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0", EventTraits.None, "Edge")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", EventTraits.None, "Safari")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) PrivacyProbeAgent/7.3.1", EventTraits.None, UserAgentFamilies.Other)]
    public void AUserAgentIsKeptAsItsFamilyBesideItsFlags(string userAgent, EventTraits traits, string family)
    {
        var described = ShippedReferenceData.Classifier.Describe(userAgent);

        Assert.Equal(new UserAgentClass(traits, family), described);
        Assert.Equal(traits, ShippedReferenceData.Classifier.Classify(userAgent));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void NoUserAgentHasNoFamily(string? userAgent)
    {
        Assert.Equal(default, ShippedReferenceData.Classifier.Describe(userAgent));
    }

    [Fact]
    public void ARobotListRegexNamesItsFamilyByItsText()
    {
        var classifier = new UserAgentClassifier([@"[a-z]+spider\d"], []);

        Assert.Equal(new UserAgentClass(EventTraits.Robot, @"[a-z]+spider\d"), classifier.Describe("Mozilla/5.0 webspider7"));
    }
}
