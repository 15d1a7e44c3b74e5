using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Stats.Core.Events;

namespace Stats.Core.Data.Configurations;

internal sealed class EventTypeConfiguration : IEntityTypeConfiguration<EventType>
{
    public void Configure(EntityTypeBuilder<EventType> builder)
    {
        builder.ToTable("EventTypes");
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.HasData(EventCatalog.BuiltIn.Select(d => new EventType { Id = d.Code, Name = d.Name }));
    }
}

internal sealed class RecordConfiguration : IEntityTypeConfiguration<Record>
{
    public void Configure(EntityTypeBuilder<Record> builder)
    {
        builder.ToTable("Records");
        builder.Property(r => r.ExternalId).HasMaxLength(128);
        builder.Property(r => r.ParentExternalId).HasMaxLength(128);
        builder.Property(r => r.OwnerId).HasMaxLength(128);
        builder.Property(r => r.Title).HasMaxLength(512);
        builder.Property(r => r.ResourceType).HasMaxLength(64);
        builder.Property(r => r.AccessRight).HasConversion<byte>();
        builder.HasIndex(r => r.ExternalId).IsUnique();
        builder.HasIndex(r => r.ParentExternalId);
        builder.HasIndex(r => r.OwnerId);
        builder.HasMany(r => r.Files).WithOne().HasForeignKey(f => f.RecordId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Communities).WithMany(c => c.Records).UsingEntity(
            "RecordCommunities",
            l => l.HasOne(typeof(Community)).WithMany().HasForeignKey("CommunityId"),
            r => r.HasOne(typeof(Record)).WithMany().HasForeignKey("RecordId"),
            j => j.HasKey("RecordId", "CommunityId"));
    }
}

internal sealed class RecordFileConfiguration : IEntityTypeConfiguration<RecordFile>
{
    public void Configure(EntityTypeBuilder<RecordFile> builder)
    {
        builder.ToTable("RecordFiles");
        builder.Property(f => f.Key).HasMaxLength(512);
        builder.HasIndex(f => new { f.RecordId, f.Key }).IsUnique();
    }
}

internal sealed class RecordBucketConfiguration : IEntityTypeConfiguration<RecordBucket>
{
    public void Configure(EntityTypeBuilder<RecordBucket> builder)
    {
        builder.ToTable("RecordBuckets");
        builder.HasKey(b => b.BucketId);
        builder.Property(b => b.BucketId).HasMaxLength(64).IsUnicode(false);
        builder.Property(b => b.Source).HasMaxLength(64);
        builder.HasIndex(b => b.RecordId);
        builder.HasOne<Record>().WithMany().HasForeignKey(b => b.RecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CommunityConfiguration : IEntityTypeConfiguration<Community>
{
    public void Configure(EntityTypeBuilder<Community> builder)
    {
        builder.ToTable("Communities");
        builder.Property(c => c.ExternalId).HasMaxLength(128);
        builder.Property(c => c.Name).HasMaxLength(256);
        builder.HasIndex(c => c.ExternalId).IsUnique();
    }
}

internal sealed class LabelConfiguration : IEntityTypeConfiguration<Label>
{
    public void Configure(EntityTypeBuilder<Label> builder)
    {
        builder.ToTable("Labels");
        builder.Property(l => l.Kind).HasConversion<byte>();
        builder.Property(l => l.Value).HasMaxLength(256);
        builder.HasIndex(l => new { l.Kind, l.Value }).IsUnique();
    }
}
