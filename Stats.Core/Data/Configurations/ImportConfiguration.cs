using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> builder)
    {
        builder.ToTable("ImportRuns");
        builder.Property(r => r.Format).HasMaxLength(32).IsUnicode(false);
        builder.Property(r => r.Failure).HasMaxLength(512);
        builder.HasIndex(r => r.StartedAt);
        builder.HasMany(r => r.Files).WithOne().HasForeignKey(f => f.ImportRunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ImportRunFileConfiguration : IEntityTypeConfiguration<ImportRunFile>
{
    public void Configure(EntityTypeBuilder<ImportRunFile> builder)
    {
        builder.ToTable("ImportRunFiles");
        builder.Property(f => f.Path).HasMaxLength(1024);
        builder.Property(f => f.Fingerprint).HasMaxLength(64).IsUnicode(false);
    }
}

internal sealed class HeldDownloadConfiguration : IEntityTypeConfiguration<HeldDownload>
{
    public void Configure(EntityTypeBuilder<HeldDownload> builder)
    {
        builder.ToTable("HeldDownloads");
        builder.Property(h => h.BucketId).HasMaxLength(64).IsUnicode(false);
        builder.Property(h => h.FileKey).HasMaxLength(512);
        builder.Property(h => h.Country).HasMaxLength(2).IsUnicode(false).IsFixedLength();
        builder.HasIndex(h => h.BucketId);
        builder.HasIndex(h => new { h.ClientIdHash, h.Timestamp }).IsUnique();
    }
}
