using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Stats.Core.Investigation;

namespace Stats.Core.Data.Configurations;

internal sealed class InvestigationTraceConfiguration : IEntityTypeConfiguration<InvestigationTrace>
{
    public void Configure(EntityTypeBuilder<InvestigationTrace> builder)
    {
        builder.ToTable("InvestigationTraces");
        builder.Property(t => t.AskedBy).HasMaxLength(256);
        builder.Property(t => t.Kind).HasConversion<byte>();
        builder.Property(t => t.Subject).HasMaxLength(256);
        builder.HasIndex(t => t.AskedAt);
    }
}
