using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ImportedAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ImportedDailyAggregates",
                columns: table => new
                {
                    Kind = table.Column<byte>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    UniqueId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RecordId = table.Column<int>(type: "INTEGER", nullable: false),
                    FileId = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Volume = table.Column<long>(type: "INTEGER", nullable: false),
                    ImportedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportedDailyAggregates", x => new { x.Kind, x.Day, x.UniqueId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedDailyAggregates_Day",
                table: "ImportedDailyAggregates",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_ImportedDailyAggregates_RecordId_Day",
                table: "ImportedDailyAggregates",
                columns: new[] { "RecordId", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportedDailyAggregates");
        }
    }
}
