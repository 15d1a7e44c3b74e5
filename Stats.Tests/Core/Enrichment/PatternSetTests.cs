using System.Text.RegularExpressions;
using Stats.Core.Enrichment;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Enrichment;

public sealed class PatternSetTests
{
    [Theory]
    [InlineData("Googlebot", "Googlebot")]
    [InlineData(@"Teleport\ Pro", "Teleport Pro")]
    [InlineData(@"bot\.html", "bot.html")]
    [InlineData(@"Mozilla\/4\.0 \(compatible\)", "Mozilla/4.0 (compatible)")]
    [InlineData(@"^curl", null)]
    [InlineData(@"[wW]get", null)]
    [InlineData(@"Ahrefs(Bot|SiteAudit)", null)]
    [InlineData(@"bot$", null)]
    [InlineData(@"a.b", null)]
    public void OnlyPatternsWithoutRegexSyntaxAreSearchedAsPlainText(string pattern, string? literal)
    {
        Assert.Equal(literal, PatternSet.AsLiteral(pattern));
    }

    [Fact]
    public void MatchesExactlyLikeTheRegexesOfTheOfficialListsOneByOne()
    {
        var patterns = UserAgentClassifier.ReadJsonPatterns(RepositoryPaths.SharedData("counter-robots", "COUNTER_Robots_list.json"))
            .Concat(UserAgentClassifier.ReadLinePatterns(RepositoryPaths.SharedData("make-data-count", "machine.txt")))
            .ToList();
        var set = new PatternSet(patterns);
        var regexes = patterns.Select(p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)).ToList();

        // Every literal in the lists, upper-cased inside a browser string, plus browsers that match nothing.
        var samples = patterns.Select(PatternSet.AsLiteral).OfType<string>().Take(400)
            .Select(l => "Mozilla/5.0 (X11; Linux x86_64) " + l.ToUpperInvariant() + " Safari/537.36")
            .Concat(["curl/8.5.0", "Wget/1.21", "python-requests/2.32", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148", "AdsBot-Google", "AdsBot-Google-Mobile"]);
        foreach (var sample in samples)
        {
            Assert.True(regexes.Any(r => r.IsMatch(sample)) == set.IsMatch(sample), $"disagreement on '{sample}'");
        }

        Assert.Equal(0, set.Rejected);
    }
}
