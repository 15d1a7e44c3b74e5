using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

internal sealed class DailySaltConfiguration : IEntityTypeConfiguration<DailySalt>
{
    public void Configure(EntityTypeBuilder<DailySalt> builder)
    {
        builder.ToTable("DailySalts");
        builder.HasKey(s => s.Day);
        builder.Property(s => s.Salt).HasMaxLength(32);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.Property(k => k.Name).HasMaxLength(128);
        builder.Property(k => k.Prefix).HasMaxLength(16).IsUnicode(false);
        builder.Property(k => k.SecretHash).HasMaxLength(32);
        builder.Property(k => k.Scopes).HasMaxLength(256).IsUnicode(false);
        builder.HasIndex(k => k.Prefix).IsUnique();
    }
}

internal sealed class AccessRuleConfiguration : IEntityTypeConfiguration<AccessRule>
{
    public void Configure(EntityTypeBuilder<AccessRule> builder)
    {
        builder.ToTable("AccessRules");
        builder.Property(r => r.PrincipalKind).HasConversion<byte>();
        builder.Property(r => r.Principal).HasMaxLength(256);
        builder.Property(r => r.Scope).HasConversion<byte>();
        builder.Property(r => r.ScopeValue).HasMaxLength(128);
        builder.Property(r => r.CreatedBy).HasMaxLength(256);
        builder.HasIndex(r => new { r.PrincipalKind, r.Principal });
    }
}
