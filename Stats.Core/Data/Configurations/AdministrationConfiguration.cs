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

internal sealed class DataProtectionKeyRowConfiguration : IEntityTypeConfiguration<DataProtectionKeyRow>
{
    public void Configure(EntityTypeBuilder<DataProtectionKeyRow> builder)
    {
        builder.ToTable("DataProtectionKeys");
        builder.Property(k => k.FriendlyName).HasMaxLength(128);
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
        builder.Property(k => k.ReadsAs).HasConversion<byte>();
        builder.HasIndex(k => k.Prefix).IsUnique();
    }
}

internal sealed class AccessRuleConfiguration : IEntityTypeConfiguration<AccessRule>
{
    public void Configure(EntityTypeBuilder<AccessRule> builder)
    {
        builder.ToTable("AccessRules");
        builder.Property(r => r.ScopeKind).HasConversion<byte>();
        builder.Property(r => r.ScopeId).HasMaxLength(128);
        builder.Property(r => r.Family).HasConversion<byte>();
        builder.Property(r => r.Audience).HasConversion<byte>();
        builder.Property(r => r.UpdatedBy).HasMaxLength(256);
        builder.HasIndex(r => new { r.ScopeKind, r.ScopeId, r.Family }).IsUnique();
    }
}

internal sealed class AccessRuleChangeConfiguration : IEntityTypeConfiguration<AccessRuleChange>
{
    public void Configure(EntityTypeBuilder<AccessRuleChange> builder)
    {
        builder.ToTable("AccessRuleChanges");
        builder.Property(c => c.ChangedBy).HasMaxLength(256);
        builder.Property(c => c.ScopeKind).HasConversion<byte>();
        builder.Property(c => c.ScopeId).HasMaxLength(128);
        builder.Property(c => c.Family).HasConversion<byte>();
        builder.Property(c => c.Before).HasConversion<byte?>();
        builder.Property(c => c.After).HasConversion<byte?>();
        builder.HasIndex(c => c.ChangedAt);
    }
}

internal sealed class AnnotationConfiguration : IEntityTypeConfiguration<Annotation>
{
    public void Configure(EntityTypeBuilder<Annotation> builder)
    {
        builder.ToTable("Annotations");
        builder.Property(a => a.Scope).HasConversion<byte>();
        builder.Property(a => a.Community).HasMaxLength(128);
        builder.Property(a => a.Text).HasMaxLength(Annotations.AnnotationStore.MaxTextLength);
        builder.Property(a => a.CreatedBy).HasMaxLength(256);
        builder.HasIndex(a => new { a.ToDay, a.FromDay });
    }
}

internal sealed class AnnotationChangeConfiguration : IEntityTypeConfiguration<AnnotationChange>
{
    public void Configure(EntityTypeBuilder<AnnotationChange> builder)
    {
        builder.ToTable("AnnotationChanges");
        builder.Property(c => c.ChangedBy).HasMaxLength(256);
        builder.Property(c => c.Action).HasConversion<byte>();
        builder.Property(c => c.Scope).HasConversion<byte>();
        builder.Property(c => c.Community).HasMaxLength(128);
        builder.Property(c => c.Text).HasMaxLength(Annotations.AnnotationStore.MaxTextLength);
        builder.HasIndex(c => c.ChangedAt);
    }
}
