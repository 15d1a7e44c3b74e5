using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

internal sealed class RawEventConfiguration : IEntityTypeConfiguration<RawEvent>
{
    public void Configure(EntityTypeBuilder<RawEvent> builder)
    {
        builder.ToTable("RawEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Country).HasMaxLength(2).IsUnicode(false).IsFixedLength();
        builder.Property(e => e.Traits).HasConversion<byte>();

        // Foreign keys are declared for integrity; the navigation properties are left out on purpose,
        // so that nothing ever loads a graph from the widest table.
        builder.HasOne<Events.EventType>().WithMany().HasForeignKey(e => e.TypeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Record>().WithMany().HasForeignKey(e => e.RecordId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<RecordFile>().WithMany().HasForeignKey(e => e.FileId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Community>().WithMany().HasForeignKey(e => e.CommunityId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Label>().WithMany().HasForeignKey(e => e.SubjectId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Label>().WithMany().HasForeignKey(e => e.DetailId).OnDelete(DeleteBehavior.Restrict);

        // Aggregation reads one day at a time, all types or one; the overview counts per day and type.
        builder.HasIndex(e => new { e.Timestamp, e.TypeId });
        // Record panels and re-aggregation of one record read its events in time order.
        builder.HasIndex(e => new { e.RecordId, e.Timestamp });
    }
}
