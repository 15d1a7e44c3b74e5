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
}
