using Stats.Core.Enrichment;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Enrichment;

public sealed class AsnResolverTests
{
    private const string Cern = "AS513 CERN - European Organization for Nuclear Research";

    [Theory]
    // Ranges of the shipped @ip-location-db/asn data: CERN's 137.138.0.0/16, 188.184.0.0/15 and 2001:1458::/31, Google's DNS.
    [InlineData("137.138.0.0", Cern)]
    [InlineData("137.138.62.1", Cern)]
    [InlineData("137.138.255.255", Cern)]
    [InlineData("188.185.10.20", Cern)]
    [InlineData("2001:1458:d00:1::100:ff", Cern)]
    [InlineData("::ffff:137.138.62.1", Cern)]
    [InlineData("8.8.8.8", "AS15169 Google LLC")]
    [InlineData("2001:4860:4860::8888", "AS15169 Google LLC")]
    // A name the CSV quotes because it holds a comma.
    [InlineData("8.8.40.1", "AS3356 Level 3 Communications, Inc.")]
    public void PublicAddressesResolveToTheOrganisationAnnouncingThem(string address, string organisation)
    {
        Assert.Equal(organisation, ShippedReferenceData.Organisations.OrganisationOf(address));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.1.20")]
    [InlineData("172.16.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("not an address")]
    [InlineData("")]
    [InlineData(null)]
    public void LoopbackPrivateAndUnparsableAddressesHaveNoOrganisation(string? address)
    {
        Assert.Null(ShippedReferenceData.Organisations.OrganisationOf(address));
    }

    [Fact]
    public void AnOperatorsCsvInEitherNotationIsReadAndAnAddressBetweenRangesHasNoOrganisation()
    {
        var dotted = Path.GetTempFileName();
        var numbers = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(dotted, ["ip_range_start,ip_range_end,as_number,as_organization", "198.51.100.0,198.51.100.127,64500,\"Example \"\"Lab\"\", Ltd\""]);
            // 203.0.113.0-203.0.113.255 as integers, and 2001:db8::/32.
            File.WriteAllLines(numbers, ["3405803776,3405804031,64501,Numbered Net", "42540766411282592856903984951653826560,42540766490510755371168322545197367295,64502,Six Net"]);

            using var resolver = new AsnResolver([dotted, numbers]);

            Assert.Equal(3, resolver.Ranges);
            Assert.Equal("AS64500 Example \"Lab\", Ltd", resolver.OrganisationOf("198.51.100.5"));
            Assert.Null(resolver.OrganisationOf("198.51.100.200"));
            Assert.Equal("AS64501 Numbered Net", resolver.OrganisationOf("203.0.113.77"));
            Assert.Equal("AS64502 Six Net", resolver.OrganisationOf("2001:db8:1::1"));
        }
        finally
        {
            File.Delete(dotted);
            File.Delete(numbers);
        }
    }

    [Theory]
    // The resolver looks first among the ranges starting under the address's first 16 bits; these ranges start under an
    // earlier prefix and reach over whole prefixes in which no range starts.
    [InlineData("198.18.0.0", "AS64510 Spanning")]
    [InlineData("198.19.7.7", "AS64510 Spanning")]
    [InlineData("198.20.255.255", "AS64510 Spanning")]
    [InlineData("198.21.0.0", "AS64511 Next")]
    [InlineData("198.21.0.9", null)]
    [InlineData("198.17.255.255", null)]
    [InlineData("0.0.0.1", null)]
    [InlineData("255.255.255.255", null)]
    [InlineData("2a01:4f8::1", "AS64512 Six spanning")]
    [InlineData("2a02:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "AS64512 Six spanning")]
    [InlineData("2a03::", null)]
    public void ARangeIsFoundFromAnyPrefixItReachesInto(string address, string? organisation)
    {
        var csv = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(csv, [
                "198.18.0.0,198.20.255.255,64510,Spanning", "198.21.0.0,198.21.0.8,64511,Next",
                "2a00::,2a02:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64512,Six spanning"]);
            using var resolver = new AsnResolver([csv]);

            Assert.Equal(organisation, resolver.OrganisationOf(address));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APrefixHoldingManyRangesFindsTheRangeOfEveryAddressInIt(bool v6)
    {
        // Hundreds of ranges under one 16-bit prefix, some within a /24 (or the /24's IPv6 counterpart), some across
        // several, with gaps between them: every address is checked against a plain search through the same ranges.
        var random = new Random(24);
        var ranges = new List<(UInt128 Start, UInt128 End, long Number)>();
        UInt128 prefix = v6 ? (UInt128)0x2a02 << 112 : 203u << 24;
        var unit = v6 ? (UInt128)1 << 96 : 1;
        var shift = v6 ? 104 : 8;
        UInt128 next = prefix;
        for (var i = 0; i < 400; i++)
        {
            var start = next + (random.Next(8) == 0 ? (UInt128)1 << shift : 0) + (unit * (ulong)random.Next(0, 100));
            var end = start + (random.Next(8) == 0 ? (UInt128)(ulong)random.Next(1, 3) << shift : unit * (ulong)random.Next(0, 30));
            ranges.Add((start, end, 64_600 + i));
            next = end + 1;
        }

        var csv = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(csv, ranges.Select(r => $"{r.Start},{r.End},{r.Number},Net {r.Number}"));
            using var resolver = new AsnResolver([csv]);
            Assert.True(next - prefix < (UInt128)1 << (shift + 8), "the ranges reach past the 16-bit prefix");

            for (var i = 0; i < 20_000; i++)
            {
                var address = prefix + ((((UInt128)(ulong)random.NextInt64() << 64) | (ulong)random.NextInt64()) % (next - prefix + (1000 * unit)));
                var expected = ranges.Where(r => r.Start <= address && address <= r.End).Select(r => $"AS{r.Number} Net {r.Number}").SingleOrDefault();
                Assert.Equal(expected, resolver.OrganisationOf(AddressOf(address, v6)));
            }
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static System.Net.IPAddress AddressOf(UInt128 value, bool v6)
    {
        var bytes = new byte[v6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--, value >>= 8)
        {
            bytes[i] = (byte)(value & 0xFF);
        }

        return new System.Net.IPAddress(bytes);
    }

    [Fact]
    public void AnOrganisationsIndexNamesOneLabelAcrossItsRanges()
    {
        var resolver = ShippedReferenceData.Organisations;
        string[] addresses = ["137.138.62.1", "188.185.10.20", "2001:1458:d00:1::100:ff", "8.8.8.8", "2001:4860:4860::8888", "8.8.40.1", "10.1.2.3"];

        var found = addresses.Select(a => (Label: resolver.OrganisationOf(PublicAddress.Parse(a), out var index), Index: index)).ToList();

        Assert.Equal(addresses.Select(resolver.OrganisationOf), found.Select(f => f.Label));
        Assert.Equal(-1, found[^1].Index);
        Assert.All(found, a => Assert.All(found, b =>
        {
            Assert.Equal(a.Label == b.Label, a.Index == b.Index);
            Assert.True(a.Index != b.Index || ReferenceEquals(a.Label, b.Label), $"{a.Label}: one index, two strings");
        }));
    }

    [Fact]
    public void TheShippedRangesAreReadWithinASecondAndAFewMegabytes()
    {
        var files = new GeoOptions().AsnDatabasePath.Split(';').Select(ReferencePath.Resolve).ToList();
        var before = GC.GetAllocatedBytesForCurrentThread();

        using var resolver = new AsnResolver(files);

        // Half a million ranges, kept as arrays of numbers: the check is on what the load allocates, not on the process.
        Assert.True(resolver.Ranges > 400_000, $"{resolver.Ranges} ranges");
        var allocatedMb = (GC.GetAllocatedBytesForCurrentThread() - before) / 1e6;
        // 98 MB measured: the arrays' growth and the organisations' names, no string per line.
        Assert.True(allocatedMb < 150, $"loading allocated {allocatedMb:F0} MB");
    }
}
