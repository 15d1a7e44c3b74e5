using System.Security.Cryptography;
using System.Text;
using Stats.Core.Ingestion;

namespace Stats.Tests.Core.Ingestion;

public sealed class DailySaltStoreTests
{
    private static long Reference(byte[] salt, string value) => BitConverter.ToInt64(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(value)), 0);

    [Fact]
    public void HashIsTheStartOfTheHmacSha256UnderEachSaltWhateverSaltWasUsedBefore()
    {
        byte[] monday = RandomNumberGenerator.GetBytes(32), tuesday = RandomNumberGenerator.GetBytes(32);
        var longValue = "a|2001:db8::1|" + new string('é', 1_500);

        foreach (var (salt, value) in new[] { (monday, "u|alice"), (tuesday, "u|alice"), (monday, "u|alice"), (tuesday, longValue), ([.. monday], "s|x") })
        {
            Assert.Equal(Reference(salt, value), DailySaltStore.Hash(salt, value));
        }
    }

    [Fact]
    public async Task HashIsTheSameOnEveryThread()
    {
        var salt = RandomNumberGenerator.GetBytes(32);
        var values = Enumerable.Range(0, 2_000).Select(i => $"a|203.0.113.{i % 256}|agent {i}").ToArray();

        var hashes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => values.Select(v => DailySaltStore.Hash(salt, v)).ToArray())));

        var expected = values.Select(v => Reference(salt, v)).ToArray();
        Assert.All(hashes, h => Assert.Equal(expected, h));
    }
}
