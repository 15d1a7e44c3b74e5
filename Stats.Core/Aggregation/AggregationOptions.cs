using System.ComponentModel.DataAnnotations;

namespace Stats.Core.Aggregation;

/// <summary>The <c>Stats:Aggregation</c> settings.</summary>
public sealed class AggregationOptions
{
    public const string SectionName = "Stats:Aggregation";

    /// <summary>Whether this instance runs the aggregator in the background. Any number of instances may: a lease lets one work at a time.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the background aggregator looks for dirty days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Stats:Aggregation:Interval must be between 1 second and 1 day.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the lease lasts without renewal: an instance that dies mid-run blocks the others this long at most.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Stats:Aggregation:LeaseDuration must be between 10 seconds and 1 hour.")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the history of runs is kept.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Stats:Aggregation:RunHistory must be between 1 and 3650 days.")]
    public TimeSpan RunHistory { get; set; } = TimeSpan.FromDays(90);
}
