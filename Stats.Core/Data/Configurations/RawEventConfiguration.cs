using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

internal sealed class RawEventConfiguration : IEntityTypeConfiguration<RawEvent>
{
    // Standard SQL quoting: SQL Server accepts it too, as filtered indexes require QUOTED_IDENTIFIER ON anyway.
    private const string ClientIdFilter = "\"ClientIdHash\" IS NOT NULL";

    public void Configure(EntityTypeBuilder<RawEvent> builder)
    {
        builder.ToTable("RawEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Country).HasMaxLength(2).IsUnicode(false).IsFixedLength();
        builder.Property(e => e.Traits).HasConversion<byte>();
        builder.Ignore(e => e.Sources);

        // No foreign-key constraints on the widest table: each would cost a check on every insert and an index
        // that no query reads. Ingestion is the only writer and resolves every key itself (ADR-002).

        // Aggregation reads one day at a time, all types or one; the overview counts per day and type. Live events
        // arrive in time order, so this index grows at its end: a commit writes few pages. The record rides along, so
        // that the investigation of one record's day filters the day's index entries and reads only the record's rows
        // (ADR-015's amendment): an index by record first would scatter every commit over the whole index.
        builder.HasIndex(e => new { e.Timestamp, e.TypeId, e.RecordId });
        // Idempotent retries: a client's event id is unique together with the event's time (a retry resends both),
        // which keeps 64-bit hash collisions out of reach. Time first, so that this index too grows at its end
        // (a hash first would scatter every commit over the whole index), and the duplicate check of a batch reads
        // only the batch's time range. Only events that carry an id are in the index.
        // No index by record first: dashboards read aggregates, never raw events (ADR-002).
        builder.HasIndex(e => new { e.Timestamp, e.ClientIdHash }).IsUnique().HasFilter(ClientIdFilter);
    }
}
