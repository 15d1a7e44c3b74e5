using Stats.Core.Enrichment;

namespace Stats.Tests.Core.Enrichment;

public sealed class ReferrerHostTests
{
    [Theory]
    [InlineData("https://www.google.com/search?q=higgs+boson+dataset&client=firefox", "google.com")]
    [InlineData("https://scholar.google.com/scholar?cites=123", "scholar.google.com")]
    [InlineData("http://Example.ORG:8080/private/path/of/jane.doe?token=secret#frag", "example.org")]
    [InlineData("https://mail.example.net/owa/?ae=Item&id=jane.doe%40cern.ch", "mail.example.net")]
    [InlineData("  https://zenodo.org/records/1234  ", "zenodo.org")]
    [InlineData("https://bücher.example/x", "xn--bcher-kva.example")]
    public void OnlyTheHostOfAReferrerIsKept(string referrer, string host)
    {
        Assert.Equal(host, ReferrerHost.Of(referrer));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("/records/1234")]
    [InlineData("android-app://com.google.android.gm/")]
    [InlineData("ftp://files.example.org/a")]
    [InlineData("not a url at all")]
    public void AReferrerThatIsNoHttpAddressKeepsNothing(string? referrer)
    {
        Assert.Null(ReferrerHost.Of(referrer));
    }

    [Theory]
    // Plain addresses, which are read without Uri, next to the ones only Uri can read: the same host either way.
    [InlineData("https://WWW.Example.ORG/a?b#c")]
    [InlineData("http://www.com/")]
    [InlineData("http://www/")]
    [InlineData("https://www.www.example.org")]
    [InlineData("https://localhost?x")]
    [InlineData("https://a.b#frag")]
    [InlineData("https://example.org./x")]
    [InlineData("https://example.org../x")]
    [InlineData("https://.example.org/")]
    [InlineData("https://a..b/")]
    [InlineData("https://-a.example/")]
    [InlineData("https://a-.example/")]
    [InlineData("https://a_b.example/")]
    [InlineData("https://1.2.3.4/")]
    [InlineData("https://10.1/")]
    [InlineData("https://0x7f.1/")]
    [InlineData("https://3232235777/")]
    [InlineData("https://1.2.3.a/")]
    [InlineData("https://1.2.3.4a/")]
    [InlineData("https://[2001:db8::1]:443/")]
    [InlineData("https://user:pass@example.org/")]
    [InlineData("https://example.org:8443/")]
    [InlineData("https://xn--bcher-kva.example/")]
    [InlineData("https://XN--BCHER-KVA.example/")]
    [InlineData("https://bücher.example/")]
    [InlineData("https://example.org\\@evil.example/")]
    [InlineData("https://example.org/a b")]
    [InlineData("https://example.org/a%zz%")]
    [InlineData("https://example.org/\u00e9\t")]
    [InlineData("HTTPS://EXAMPLE.ORG/")]
    [InlineData("https:/example.org/")]
    [InlineData("https:///example.org/")]
    [InlineData("https://")]
    [InlineData("https://?q")]
    [InlineData("\thttps://example.org/\n")]
    public void AReferrerReadInPlaceKeepsWhatUriWouldKeep(string referrer)
    {
        Assert.Equal(ReferrerHost.OfUri(referrer), ReferrerHost.Of(referrer));
    }

    /// <summary>Uri accepts these hosts and throws when asked for their IDN form; a referrer like them once failed its batch.</summary>
    [Theory]
    [InlineData("http://é-.com/")]
    [InlineData("https://xn--é.com/page")]
    [InlineData("http://éxn--.com/")]
    [InlineData("http://ée\u200d.com/")]
    public void AReferrerWhoseHostHasNoIdnFormKeepsNothing(string referrer)
    {
        var unescaped = System.Text.RegularExpressions.Regex.Unescape(referrer);

        Assert.Null(ReferrerHost.Of(unescaped));
    }

    [Fact]
    public void LongHostsAndLabelsKeepWhatUriWouldKeep()
    {
        string[] referrers =
        [
            $"https://{new string('a', 63)}.example/", $"https://{new string('a', 64)}.example/",
            $"https://{string.Join('.', Enumerable.Repeat(new string('b', 49), 5))}.org/",
            $"https://{string.Join('.', Enumerable.Repeat(new string('c', 50), 5))}/",
            $"https://www.{string.Join('.', Enumerable.Repeat(new string('d', 61), 4))}/",
            $"https://example.org/{new string('p', 5_000)}", $"https://example.org/{new string('p', 70_000)}",
        ];

        Assert.All(referrers, r => Assert.Equal(ReferrerHost.OfUri(r), ReferrerHost.Of(r)));
    }

    [Fact]
    public void RandomReferrersMadeOfTheCharactersThatMatterKeepWhatUriWouldKeep()
    {
        string[] starts = ["http://", "https://", "HTTP://", "https:", "ftp://", "", " "];
        string[] pieces =
        [
            "a", "Z", "www.", "www", "xn--", "0", "7", "0x", ".", "..", "-", "_", ":", "80", "@", "/", "?", "#", "%", "%41",
            "\\", " ", "\t", "é", "ü", "[", "]", "::1", "com", "org", "example",
        ];
        var random = new Random(15);
        for (var i = 0; i < 20_000; i++)
        {
            var referrer = starts[random.Next(starts.Length)] +
                string.Concat(Enumerable.Range(0, random.Next(1, 9)).Select(_ => pieces[random.Next(pieces.Length)]));

            var (byUri, inPlace) = (Outcome(() => ReferrerHost.OfUri(referrer)), Outcome(() => ReferrerHost.Of(referrer)));
            Assert.True(byUri == inPlace, $"'{referrer}': Uri keeps {byUri}, Of {inPlace}");
        }
    }

    private static string Outcome(Func<string?> of) => of() is { } host ? $"'{host}'" : "nothing";
}
