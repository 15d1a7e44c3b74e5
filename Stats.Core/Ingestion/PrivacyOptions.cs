namespace Stats.Core.Ingestion;

/// <summary>The <c>Stats:Privacy</c> settings.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Stats:Privacy";

    /// <summary>How long a day's salt outlives the day, for late events of that day (a queue backlog) to hash alike.</summary>
    public TimeSpan SaltGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often expired salts are looked for and destroyed.</summary>
    public TimeSpan SaltSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether events keep their network organisation, referrer host and user-agent family (labels, none personal),
    /// which the investigation page and the referrer statistics read.
    /// </summary>
    public bool KeepVisitorSources { get; set; } = true;
}
