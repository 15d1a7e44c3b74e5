using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

internal sealed class CatalogSourceStateConfiguration : IEntityTypeConfiguration<CatalogSourceState>
{
    public void Configure(EntityTypeBuilder<CatalogSourceState> builder)
    {
        builder.ToTable("CatalogSourceStates");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(48);
        builder.Property(s => s.Cursor).HasMaxLength(2000);
        builder.Property(s => s.LastSkip).HasMaxLength(1000);
        builder.Property(s => s.LastError).HasMaxLength(2000);
    }
}
