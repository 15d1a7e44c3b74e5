using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.SqlServer
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
                    Kind = table.Column<byte>(type: "tinyint", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    UniqueId = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    RecordId = table.Column<int>(type: "int", nullable: false),
                    FileId = table.Column<int>(type: "int", nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false),
                    UniqueCount = table.Column<int>(type: "int", nullable: false),
                    Volume = table.Column<long>(type: "bigint", nullable: false),
                    ImportedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
