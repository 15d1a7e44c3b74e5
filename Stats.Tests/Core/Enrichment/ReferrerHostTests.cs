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

    /// <summary>
    /// Plain names are cut out without <see cref="Uri"/>; this is the definition they must agree with: the host as Uri
    /// reads an absolute http(s) address, lower case, without a final dot or a leading "www.".
    /// </summary>
    [Theory]
    [InlineData("https://zenodo.org")]
    [InlineData("HTTPS://WWW.Zenodo.ORG./records?q=1")]
    [InlineData("http://example.com:8080")]
    [InlineData("http://example.com:65536/")]
    [InlineData("http://example.com:/x")]
    [InlineData("http://example.com:80x/")]
    [InlineData("http://a..b.org/")]
    [InlineData("http://-a.org/")]
    [InlineData("http://a-.org/")]
    [InlineData("http://xn--bcher-kva.example/")]
    [InlineData("http://1.2.3.4/x")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://4294967295/")]
    [InlineData("http://user:pw@example.com/")]
    [InlineData("http://[2001:db8::1]:8080/")]
    [InlineData("http://exa_mple.com/")]
    [InlineData("http://example.com\\path")]
    [InlineData("http://example.com  ")]
    [InlineData("http://ex%41mple.com/")]
    [InlineData("http://www./")]
    [InlineData("http://./")]
    [InlineData("http:///path")]
    [InlineData("https://localhost/")]
    [InlineData("https://a-b.c-d.museum#frag")]
    public void APlainNameIsReadAsUriReadsIt(string referrer)
    {
        string? expected = null;
        if (Uri.TryCreate(referrer.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            var host = uri.IdnHost.ToLowerInvariant().TrimEnd('.');
            host = host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
            expected = host.Length is > 0 and <= ReferrerHost.MaxLength ? host : null;
        }

        Assert.Equal(expected, ReferrerHost.Of(referrer));
    }
}
