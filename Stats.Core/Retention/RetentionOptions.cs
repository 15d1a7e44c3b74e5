using Microsoft.Extensions.Options;

namespace Stats.Core.Retention;

/// <summary>The <c>Stats:Retention</c> settings: how long raw events are kept once their day is aggregated.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Stats:Retention";

    /// <summary>A hundred years: longer is "forever", which is 0.</summary>
    private const int MaxDays = 36_500;

    /// <summary>
    /// Raw events of UTC days more than this many days before today are deleted once their day is aggregated, and
    /// ingestion refuses events that old. 0 keeps raw events forever. Whole days, because retention works on whole UTC days.
    /// </summary>
    public int RawEventMaxAgeDays { get; set; } = 180;

    /// <summary>Raw events deleted per transaction at most (except events that share one instant), so no purge holds long locks.</summary>
    public int PurgeBatchSize { get; set; } = 10_000;

    /// <summary>How often the dashboard looks for aggregated days past the retention period.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether raw events are ever deleted.</summary>
    public bool Enabled => RawEventMaxAgeDays > 0;

    /// <summary>
    /// The first UTC day whose raw events are kept at <paramref name="now"/>: today minus <see cref="RawEventMaxAgeDays"/>.
    /// Null when retention is off.
    /// </summary>
    public DateOnly? HorizonAt(DateTimeOffset now) =>
        Enabled ? DateOnly.FromDateTime(now.UtcDateTime).AddDays(-RawEventMaxAgeDays) : null;

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RawEventMaxAgeDays is < 0 or > MaxDays)
        {
            errors.Add($"{SectionName}:RawEventMaxAgeDays is {RawEventMaxAgeDays}, but it must be 0 (keep raw events forever) or a number of days up to {MaxDays}.");
        }

        if (PurgeBatchSize < 1)
        {
            errors.Add($"{SectionName}:PurgeBatchSize is {PurgeBatchSize}, but it must be at least 1.");
        }

        if (PurgeInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{SectionName}:PurgeInterval is {PurgeInterval}, but it must be at least one second.");
        }

        return errors;
    }
}

/// <summary>Fails the start on a wrong <c>Stats:Retention</c> setting, with a message that names it.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
