using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

internal sealed class RecordDailyStatConfiguration : IEntityTypeConfiguration<RecordDailyStat>
{
    public void Configure(EntityTypeBuilder<RecordDailyStat> builder)
    {
        builder.ToTable("RecordDailyStats");
        builder.HasKey(s => new { s.Day, s.RecordId, s.AccessMethod });
        builder.Property(s => s.AccessMethod).HasConversion<byte>();
        builder.HasOne<Record>().WithMany().HasForeignKey(s => s.RecordId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.RecordId, s.Day });
    }
}

internal sealed class DirtyDayConfiguration : IEntityTypeConfiguration<DirtyDay>
{
    public void Configure(EntityTypeBuilder<DirtyDay> builder)
    {
        builder.ToTable("DirtyDays");
        builder.HasKey(d => d.Day);
    }
}

internal sealed class AggregationRunConfiguration : IEntityTypeConfiguration<AggregationRun>
{
    public void Configure(EntityTypeBuilder<AggregationRun> builder)
    {
        builder.ToTable("AggregationRuns");
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasIndex(r => r.StartedAt);
    }
}
