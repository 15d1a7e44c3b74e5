using System.ComponentModel.DataAnnotations;

namespace Stats.Dashboard.Embeds;

/// <summary>The <c>Stats:Embeds</c> settings: how long browsers, proxies and this server keep an embed or badge answer.</summary>
public sealed class EmbedOptions
{
    public const string SectionName = "Stats:Embeds";

    /// <summary>
    /// The <c>Cache-Control: public, max-age</c> of every embed, badge and embed JSON answer, and how long this server keeps
    /// the answer it computed: an access-rule change or a new aggregation shows in embeds within this time.
    /// </summary>
    [Range(0, 86_400)]
    public int CacheSeconds { get; set; } = 300;

    /// <summary>How many distinct answers this server keeps at most (the oldest go first).</summary>
    [Range(1, 10_000_000)]
    public int MaxCachedAnswers { get; set; } = 20_000;
}
