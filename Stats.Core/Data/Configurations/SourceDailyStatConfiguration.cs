using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

// As the other aggregates: keyed by what the panels select (kind, scope, id) and then the day, so that a period is one
// range read; the index by day is for the aggregator, which replaces whole days.
internal sealed class SourceDailyStatConfiguration : IEntityTypeConfiguration<SourceDailyStat>
{
    public void Configure(EntityTypeBuilder<SourceDailyStat> builder)
    {
        builder.ToTable("SourceDailyStats");
        builder.HasKey(s => new { s.Kind, s.Scope, s.ScopeId, s.Day, s.LabelId });
        builder.Property(s => s.Kind).HasConversion<byte>();
        builder.Property(s => s.Scope).HasConversion<byte>();
        builder.HasIndex(s => s.Day);
    }
}
