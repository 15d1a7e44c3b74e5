using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Enrichment;

public sealed class CountryResolverTests
{
    [Theory]
    // Google Public DNS (ARIN, Google LLC, US) and CERN (RIPE, Geneva, CH), over IPv4 and IPv6.
    [InlineData("8.8.8.8", "US")]
    [InlineData("2001:4860:4860::8888", "US")]
    [InlineData("188.184.21.108", "CH")]
    [InlineData("2001:1458:d00:1::100:ff", "CH")]
    // An IPv4 client as a dual-stack server reports it.
    [InlineData("::ffff:8.8.8.8", "US")]
    public void PublicAddressesResolveToTheirCountry(string address, string country)
    {
        Assert.Equal(country, ShippedReferenceData.Countries.CountryOf(address));
    }

    [Theory]
    // The bundled database puts 192.168/16 and 172.16/12 in AU: the resolver must not believe it.
    [InlineData("10.1.2.3")]
    [InlineData("192.168.1.20")]
    [InlineData("192.168.255.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.1")]
    [InlineData("100.64.0.1")]
    [InlineData("169.254.10.10")]
    [InlineData("::ffff:192.168.1.20")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("not an address")]
    [InlineData("")]
    [InlineData(null)]
    public void PrivateLoopbackAndUnparsableAddressesHaveNoCountry(string? address)
    {
        Assert.Null(ShippedReferenceData.Countries.CountryOf(address));
    }
}
