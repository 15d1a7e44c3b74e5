using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Stats.Core.Data.Configurations;

// Keys lead with what queries select by (scope and id, or activity and community) and end with the day, so that a
// query over a period is one range read. The aggregator replaces whole days, hence the second index by day.

internal sealed class UsageDailyStatConfiguration : IEntityTypeConfiguration<UsageDailyStat>
{
    public void Configure(EntityTypeBuilder<UsageDailyStat> builder)
    {
        builder.ToTable("UsageDailyStats");
        builder.HasKey(s => new { s.Scope, s.ScopeId, s.Day, s.AccessMethod });
        builder.Property(s => s.Scope).HasConversion<byte>();
        builder.Property(s => s.AccessMethod).HasConversion<byte>();
        builder.Property(s => s.Country).HasMaxLength(2).IsUnicode(false).IsFixedLength();
        builder.HasIndex(s => s.Day);
    }
}

internal sealed class CountryDailyStatConfiguration : IEntityTypeConfiguration<CountryDailyStat>
{
    public void Configure(EntityTypeBuilder<CountryDailyStat> builder)
    {
        builder.ToTable("CountryDailyStats");
        builder.HasKey(s => new { s.Scope, s.ScopeId, s.Day, s.Country });
        builder.Property(s => s.Scope).HasConversion<byte>();
        builder.Property(s => s.Country).HasMaxLength(2).IsUnicode(false).IsFixedLength();
        builder.HasIndex(s => s.Day);
    }
}

internal sealed class ActivityDailyStatConfiguration : IEntityTypeConfiguration<ActivityDailyStat>
{
    public void Configure(EntityTypeBuilder<ActivityDailyStat> builder)
    {
        builder.ToTable("ActivityDailyStats");
        builder.HasKey(s => new { s.Activity, s.CommunityId, s.Day, s.SubjectId, s.DetailId });
        builder.Property(s => s.Activity).HasConversion<short>();
        builder.HasIndex(s => s.Day);
    }
}

internal sealed class EventDailyStatConfiguration : IEntityTypeConfiguration<EventDailyStat>
{
    public void Configure(EntityTypeBuilder<EventDailyStat> builder)
    {
        builder.ToTable("EventDailyStats");
        builder.HasKey(s => new { s.TypeId, s.Scope, s.ScopeId, s.Day });
        builder.Property(s => s.Scope).HasConversion<byte>();
        builder.HasIndex(s => s.Day);
    }
}

internal sealed class SipOutcomeConfiguration : IEntityTypeConfiguration<SipOutcome>
{
    public void Configure(EntityTypeBuilder<SipOutcome> builder)
    {
        builder.ToTable("SipOutcomes");
        builder.HasKey(s => s.SipId);
        builder.Property(s => s.SipId).ValueGeneratedNever();
        builder.HasIndex(s => s.CommunityId);
        builder.HasIndex(s => s.CreatedAt);
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

internal sealed class AggregatedDayConfiguration : IEntityTypeConfiguration<AggregatedDay>
{
    public void Configure(EntityTypeBuilder<AggregatedDay> builder)
    {
        builder.ToTable("AggregatedDays");
        builder.HasKey(d => d.Day);
    }
}

internal sealed class AggregationLeaseConfiguration : IEntityTypeConfiguration<AggregationLease>
{
    public void Configure(EntityTypeBuilder<AggregationLease> builder)
    {
        builder.ToTable("AggregationLeases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(l => l.Holder).HasMaxLength(256);
    }
}

internal sealed class AggregationRunConfiguration : IEntityTypeConfiguration<AggregationRun>
{
    public void Configure(EntityTypeBuilder<AggregationRun> builder)
    {
        builder.ToTable("AggregationRuns");
        builder.Property(r => r.Holder).HasMaxLength(256);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasIndex(r => r.StartedAt);
    }
}

internal sealed class ExportBookmarkConfiguration : IEntityTypeConfiguration<ExportBookmark>
{
    public void Configure(EntityTypeBuilder<ExportBookmark> builder)
    {
        builder.ToTable("ExportBookmarks");
        builder.HasKey(b => b.Name);
        builder.Property(b => b.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(b => b.LastError).HasMaxLength(2000);
    }
}

internal sealed class ImportedDailyAggregateConfiguration : IEntityTypeConfiguration<ImportedDailyAggregate>
{
    public void Configure(EntityTypeBuilder<ImportedDailyAggregate> builder)
    {
        builder.ToTable("ImportedDailyAggregates");
        // Day first and no other index: a history import appends (its dumps come a day after the other), and every
        // reader asks for whole days. On SQLite the table is WITHOUT ROWID (migration ImportedDocumentsByDay, written by
        // hand: EF Core cannot say it, and would drop it if a later migration rebuilt the table).
        builder.HasKey(a => new { a.Day, a.Kind, a.UniqueId });
        builder.Property(a => a.Kind).HasConversion<byte>();
        builder.Property(a => a.UniqueId).HasMaxLength(256);
        builder.Property(a => a.Source).HasMaxLength(64);
    }
}

internal sealed class ImportedRecordSourceConfiguration : IEntityTypeConfiguration<ImportedRecordSource>
{
    public void Configure(EntityTypeBuilder<ImportedRecordSource> builder)
    {
        builder.ToTable("ImportedRecordSources");
        builder.HasKey(s => new { s.RecordId, s.Source });
        builder.Property(s => s.Source).HasMaxLength(64);
    }
}
