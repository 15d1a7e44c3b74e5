using Stats.Core.Data;
using Stats.Core.Enrichment;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Enrichment;

public sealed class UserAgentClassifierTests
{
    private static readonly Lazy<UserAgentClassifier> s_counterLists = new(() => new UserAgentClassifier(
        UserAgentClassifier.ReadJsonPatterns(RepositoryPaths.SharedData("counter-robots", "COUNTER_Robots_list.json")),
        UserAgentClassifier.ReadLinePatterns(RepositoryPaths.SharedData("make-data-count", "machine.txt"))));

    public static TheoryData<string> Browsers =>
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    ];

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", EventTraits.Robot)]
    [InlineData("MOZILLA/5.0 (COMPATIBLE; BINGBOT/2.0; +HTTP://WWW.BING.COM/BINGBOT.HTM)", EventTraits.Robot)]
    [InlineData("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", EventTraits.Robot)]
    [InlineData("curl/8.5.0", EventTraits.Machine)]
    [InlineData("CURL/8.5.0", EventTraits.Machine)]
    [InlineData("Wget/1.21.4", EventTraits.Machine)]
    [InlineData("python-requests/2.32.3", EventTraits.Machine)]
    [InlineData("", EventTraits.None)]
    [InlineData(null, EventTraits.None)]
    public void ShippedListsFlagCrawlersAsRobotsAndScriptsAsMachines(string? userAgent, EventTraits expected)
    {
        Assert.Equal(expected, ShippedReferenceData.Classifier.Classify(userAgent));
    }

    [Theory]
    [MemberData(nameof(Browsers))]
    public void ShippedListsLeaveBrowsersAlone(string userAgent)
    {
        Assert.Equal(EventTraits.None, ShippedReferenceData.Classifier.Classify(userAgent));
    }

    [Theory]
    // Patterns of the COUNTER list, written in another case than the list's own: matching is case-insensitive.
    [InlineData("teleport pro/1.29", EventTraits.Robot)]
    [InlineData("GETRIGHT/6.3", EventTraits.Robot)]
    [InlineData("LinkChecker/10.0", EventTraits.Robot)]
    [InlineData("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", EventTraits.Robot)]
    [InlineData("Sogou web SPIDER/4.0", EventTraits.Robot)]
    // The Make Data Count machine list wins over the COUNTER list: Java is on both, and machines are counted apart.
    [InlineData("Java/1.8.0_151", EventTraits.Machine)]
    [InlineData("python-requests/2.32.3", EventTraits.Machine)]
    [InlineData("WGET/1.21.4", EventTraits.Machine)]
    [InlineData("CURL/8.5.0", EventTraits.Machine)]
    [InlineData("libwww-perl/6.72", EventTraits.Machine)]
    public void CounterRobotsAndMakeDataCountMachineListsAreMatchedCaseInsensitively(string userAgent, EventTraits expected)
    {
        Assert.Equal(expected, s_counterLists.Value.Classify(userAgent));
    }

    [Theory]
    [MemberData(nameof(Browsers))]
    public void CounterListsLeaveBrowsersAlone(string userAgent)
    {
        Assert.Equal(EventTraits.None, s_counterLists.Value.Classify(userAgent));
    }

    [Fact]
    public void ConfiguredCounterListsAreUsedBesideTheShippedCrawlerList()
    {
        var classifier = UserAgentClassifier.FromOptions(new RobotOptions
        {
            CounterListPath = RepositoryPaths.SharedData("counter-robots", "COUNTER_Robots_list.json"),
            MachineListPath = RepositoryPaths.SharedData("make-data-count", "machine.txt"),
        });

        // "Teleport Pro" is only on the COUNTER list, "Offline Explorer" only on the crawler list.
        Assert.Equal(EventTraits.Robot, classifier.Classify("Teleport Pro/1.29"));
        Assert.Equal(EventTraits.Robot, classifier.Classify("Offline Explorer/8.0"));
        Assert.Equal(EventTraits.Machine, classifier.Classify("Java/1.8.0_151"));
        Assert.Equal(EventTraits.None, ShippedReferenceData.Classifier.Classify("Teleport Pro/1.29"));
    }

    [Fact]
    public void MakeDataCountRobotListIsReadAsRobotPatterns()
    {
        var classifier = new UserAgentClassifier(UserAgentClassifier.ReadLinePatterns(RepositoryPaths.SharedData("make-data-count", "robot.txt")), []);

        Assert.Equal(EventTraits.Robot, classifier.Classify("TELEPORT PRO/1.29"));
        Assert.Equal(EventTraits.None, classifier.Classify("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"));
    }

    [Fact]
    public void OnlyTheHeadOfAHugeUserAgentIsClassifiedAndRemembered()
    {
        var classifier = new UserAgentClassifier(["googlebot"], ["^curl"], cacheSize: 1000, maxLength: 512);

        // Distinct 128 KB user agents: remembered whole, a hundred of them would hold 12.8 million characters. What the
        // classifier itself keeps is measured, not the process's memory, which the tests running beside it also fill.
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(EventTraits.Robot, classifier.Classify($"Googlebot/{i} " + new string('x', 128 * 1024)));
        }

        Assert.True(classifier.RememberedCharacters <= 100 * 512, $"{classifier.RememberedCharacters:N0} characters remembered after classifying 100 huge user agents");
        Assert.True(classifier.RememberedCharacters > 0, "The heads of the user agents are remembered.");
    }

    [Fact]
    public void APatternBeyondTheClassifiedHeadIsNotSeen()
    {
        var classifier = new UserAgentClassifier(["googlebot"], [], maxLength: 64);

        Assert.Equal(EventTraits.Robot, classifier.Classify(new string('x', 50) + " Googlebot"));
        Assert.Equal(EventTraits.None, classifier.Classify(new string('x', 64) + " Googlebot"));
    }
}
