namespace Stats.Core.Ingestion;

/// <summary>The <c>Stats:Privacy</c> settings.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Stats:Privacy";

    /// <summary>How long a day's salt outlives the day, for late events of that day (a queue backlog) to hash alike.</summary>
    public TimeSpan SaltGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often expired salts are looked for and destroyed.</summary>
    public TimeSpan SaltSweepInterval { get; set; } = TimeSpan.FromHours(1);
}
