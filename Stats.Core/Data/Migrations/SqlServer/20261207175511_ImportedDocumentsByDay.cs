using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ImportedDocumentsByDay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_ImportedDailyAggregates",
                table: "ImportedDailyAggregates");

            migrationBuilder.DropIndex(
                name: "IX_ImportedDailyAggregates_Day",
                table: "ImportedDailyAggregates");

            migrationBuilder.DropIndex(
                name: "IX_ImportedDailyAggregates_RecordId_Day",
                table: "ImportedDailyAggregates");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ImportedDailyAggregates",
                table: "ImportedDailyAggregates",
                columns: new[] { "Day", "Kind", "UniqueId" });

            migrationBuilder.CreateTable(
                name: "ImportedRecordSources",
                columns: table => new
                {
                    RecordId = table.Column<int>(type: "int", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    FirstDay = table.Column<DateOnly>(type: "date", nullable: false),
                    LastDay = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportedRecordSources", x => new { x.RecordId, x.Source });
                });

            // The sources of the documents already imported, which the record panel read through the index dropped above.
            migrationBuilder.Sql(
                "INSERT INTO [ImportedRecordSources] ([RecordId], [Source], [FirstDay], [LastDay]) " +
                "SELECT [RecordId], [Source], MIN([Day]), MAX([Day]) FROM [ImportedDailyAggregates] GROUP BY [RecordId], [Source];");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportedRecordSources");

            migrationBuilder.DropPrimaryKey(
                name: "PK_ImportedDailyAggregates",
                table: "ImportedDailyAggregates");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ImportedDailyAggregates",
                table: "ImportedDailyAggregates",
                columns: new[] { "Kind", "Day", "UniqueId" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedDailyAggregates_Day",
                table: "ImportedDailyAggregates",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_ImportedDailyAggregates_RecordId_Day",
                table: "ImportedDailyAggregates",
                columns: new[] { "RecordId", "Day" });
        }
    }
}
