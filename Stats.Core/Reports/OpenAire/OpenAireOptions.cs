using System.ComponentModel.DataAnnotations;

namespace Stats.Core.Reports.OpenAire;

/// <summary>The <c>Stats:OpenAire</c> settings: where and how each day's counted usage is sent to OpenAIRE's Matomo.</summary>
public sealed class OpenAireOptions : IValidatableObject
{
    public const string SectionName = "Stats:OpenAire";

    /// <summary>Whether this instance exports in the background. Enable it on one instance only: Matomo cannot tell a resent request.</summary>
    public bool Enabled { get; set; }

    /// <summary>The Matomo tracking endpoint, e.g. <c>https://analytics.openaire.eu/piwik.php</c>.</summary>
    public Uri? TrackingUrl { get; set; }

    /// <summary>The repository's Matomo site id (<c>idsite</c>), given by OpenAIRE.</summary>
    public string? SiteId { get; set; }

    /// <summary>The Matomo token that lets the requests carry their own time and country. A secret: environment or user secrets only.</summary>
    public string? TokenAuth { get; set; }

    /// <summary>The URL of a record's landing page; <c>{recid}</c> is replaced by the record id.</summary>
    public string? RecordUrlTemplate { get; set; }

    /// <summary>The URL of a file; <c>{recid}</c> and <c>{file_key}</c> are replaced.</summary>
    public string? FileUrlTemplate { get; set; }

    /// <summary>Requests per bulk POST.</summary>
    [Range(1, 10000, ErrorMessage = "Stats:OpenAire:ChunkSize must be between 1 and 10000.")]
    public int ChunkSize { get; set; } = 100;

    /// <summary>Tries per chunk before the run stops and records the error (the next run tries the same chunk again).</summary>
    [Range(1, 20, ErrorMessage = "Stats:OpenAire:MaxAttempts must be between 1 and 20.")]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first wait between two tries of a chunk; it doubles at each further try.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Stats:OpenAire:RetryDelay must be between 0 and 1 hour.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the background exporter looks for days to send.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Stats:OpenAire:Interval must be between 1 second and 1 day.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first day a new bookmark exports; by default yesterday (the day the export was switched on).</summary>
    public DateOnly? FirstDay { get; set; }

    /// <summary>The first setting that sending needs and lacks, by its path; null when all are there.</summary>
    public string? MissingForSending() =>
        TrackingUrl is null ? $"{SectionName}:TrackingUrl"
        : string.IsNullOrWhiteSpace(SiteId) ? $"{SectionName}:SiteId"
        : string.IsNullOrWhiteSpace(TokenAuth) ? $"{SectionName}:TokenAuth"
        : MissingForBuilding();

    /// <summary>The first setting that building the requests needs and lacks (a dry run needs no endpoint nor token).</summary>
    public string? MissingForBuilding() =>
        string.IsNullOrWhiteSpace(SiteId) ? $"{SectionName}:SiteId"
        : string.IsNullOrWhiteSpace(RecordUrlTemplate) || !RecordUrlTemplate.Contains("{recid}", StringComparison.Ordinal) ? $"{SectionName}:RecordUrlTemplate (with {{recid}})"
        : string.IsNullOrWhiteSpace(FileUrlTemplate) || !FileUrlTemplate.Contains("{file_key}", StringComparison.Ordinal) ? $"{SectionName}:FileUrlTemplate (with {{file_key}})"
        : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && MissingForSending() is { } missing)
        {
            yield return new ValidationResult($"{missing} is required when {SectionName}:Enabled is true.", [nameof(Enabled)]);
        }
    }
}
