using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DailyAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RecordDailyStats");

            migrationBuilder.AddColumn<long>(
                name: "PrecedingVisitorHash",
                table: "RawEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PendingEvents",
                table: "DirtyDays",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "Version",
                table: "DirtyDays",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "EventsProcessed",
                table: "AggregationRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Holder",
                table: "AggregationRuns",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "ActivityDailyStats",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Activity = table.Column<short>(type: "INTEGER", nullable: false),
                    CommunityId = table.Column<int>(type: "INTEGER", nullable: false),
                    SubjectId = table.Column<int>(type: "INTEGER", nullable: false),
                    DetailId = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ActivityDailyStats", x => new { x.Activity, x.CommunityId, x.Day, x.SubjectId, x.DetailId });
                });

            migrationBuilder.CreateTable(
                name: "AggregatedDays",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    AggregatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Events = table.Column<long>(type: "INTEGER", nullable: false),
                    RawEventsPurgedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AggregatedDays", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "AggregationLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AggregationLeases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "CountryDailyStats",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Scope = table.Column<byte>(type: "INTEGER", nullable: false),
                    ScopeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Country = table.Column<string>(type: "TEXT", unicode: false, fixedLength: true, maxLength: 2, nullable: false),
                    Views = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueViews = table.Column<int>(type: "INTEGER", nullable: false),
                    Downloads = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueDownloads = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CountryDailyStats", x => new { x.Scope, x.ScopeId, x.Day, x.Country });
                });

            migrationBuilder.CreateTable(
                name: "SipOutcomes",
                columns: table => new
                {
                    SipId = table.Column<int>(type: "INTEGER", nullable: false),
                    RecordId = table.Column<int>(type: "INTEGER", nullable: true),
                    CommunityId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ProcessedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: true),
                    Size = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SipOutcomes", x => x.SipId);
                });

            migrationBuilder.CreateTable(
                name: "UsageDailyStats",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Scope = table.Column<byte>(type: "INTEGER", nullable: false),
                    ScopeId = table.Column<int>(type: "INTEGER", nullable: false),
                    AccessMethod = table.Column<byte>(type: "INTEGER", nullable: false),
                    Views = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueViews = table.Column<int>(type: "INTEGER", nullable: false),
                    Downloads = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueDownloads = table.Column<int>(type: "INTEGER", nullable: false),
                    Investigations = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueInvestigations = table.Column<int>(type: "INTEGER", nullable: false),
                    Volume = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageDailyStats", x => new { x.Scope, x.ScopeId, x.Day, x.AccessMethod });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ActivityDailyStats_Day",
                table: "ActivityDailyStats",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_CountryDailyStats_Day",
                table: "CountryDailyStats",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_SipOutcomes_CommunityId",
                table: "SipOutcomes",
                column: "CommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_SipOutcomes_CreatedAt",
                table: "SipOutcomes",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_UsageDailyStats_Day",
                table: "UsageDailyStats",
                column: "Day");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ActivityDailyStats");

            migrationBuilder.DropTable(
                name: "AggregatedDays");

            migrationBuilder.DropTable(
                name: "AggregationLeases");

            migrationBuilder.DropTable(
                name: "CountryDailyStats");

            migrationBuilder.DropTable(
                name: "SipOutcomes");

            migrationBuilder.DropTable(
                name: "UsageDailyStats");

            migrationBuilder.DropColumn(
                name: "PrecedingVisitorHash",
                table: "RawEvents");

            migrationBuilder.DropColumn(
                name: "PendingEvents",
                table: "DirtyDays");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "DirtyDays");

            migrationBuilder.DropColumn(
                name: "EventsProcessed",
                table: "AggregationRuns");

            migrationBuilder.DropColumn(
                name: "Holder",
                table: "AggregationRuns");

            migrationBuilder.CreateTable(
                name: "RecordDailyStats",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordId = table.Column<int>(type: "INTEGER", nullable: false),
                    AccessMethod = table.Column<byte>(type: "INTEGER", nullable: false),
                    Downloads = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueDownloads = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueViews = table.Column<int>(type: "INTEGER", nullable: false),
                    Views = table.Column<int>(type: "INTEGER", nullable: false),
                    Volume = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordDailyStats", x => new { x.Day, x.RecordId, x.AccessMethod });
                    table.ForeignKey(
                        name: "FK_RecordDailyStats_Records_RecordId",
                        column: x => x.RecordId,
                        principalTable: "Records",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RecordDailyStats_RecordId_Day",
                table: "RecordDailyStats",
                columns: new[] { "RecordId", "Day" });
        }
    }
}
