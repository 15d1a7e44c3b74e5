using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Sources.Amqp;

/// <summary>
/// A download from the queue that names a bucket whose record is not known yet, already anonymised (no raw IP, user
/// agent or user id waits here), until the bucket → record map learns the bucket or <see cref="AmqpOptions.HoldFor"/>
/// has passed. Its message was acknowledged once this row was committed.
/// </summary>
public sealed class HeldEvent
{
    public long Id { get; set; }

    public required string BucketId { get; set; }

    /// <summary>The event's idempotency id (<see cref="InvenioMessage.Id"/>): releasing it twice stores it once.</summary>
    public required string EventId { get; set; }

    /// <summary>When it happened, UTC.</summary>
    public DateTime Timestamp { get; set; }

    /// <summary>When it was held, UTC.</summary>
    public DateTime HeldAt { get; set; }

    /// <summary>The rest of the event and its enrichment (<see cref="HeldPayload"/>) as JSON.</summary>
    public required string Payload { get; set; }

    /// <summary>The instance releasing it now, so that two consumers of one queue do not release it twice at once.</summary>
    public string? ClaimedBy { get; set; }

    public DateTime? ClaimedUntil { get; set; }
}

internal sealed class HeldEventConfiguration : IEntityTypeConfiguration<HeldEvent>
{
    public void Configure(EntityTypeBuilder<HeldEvent> builder)
    {
        builder.ToTable("HeldEvents");
        builder.Property(h => h.BucketId).HasMaxLength(128);
        builder.Property(h => h.EventId).HasMaxLength(128).IsUnicode(false);
        builder.Property(h => h.ClaimedBy).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(h => h.BucketId);
        builder.HasIndex(h => h.HeldAt);
    }
}
