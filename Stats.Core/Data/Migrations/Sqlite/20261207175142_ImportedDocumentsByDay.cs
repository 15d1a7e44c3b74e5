using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ImportedDocumentsByDay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Written by hand: the documents' table is made again WITHOUT ROWID, keyed by day first, without its two
            // indexes (EF Core cannot say WITHOUT ROWID; a table rebuild of a later migration would drop it).
            migrationBuilder.Sql(Table("ef_temp_ImportedDailyAggregates", "\"Day\", \"Kind\", \"UniqueId\"", " WITHOUT ROWID"));
            migrationBuilder.Sql(CopyInto("ef_temp_ImportedDailyAggregates"));
            migrationBuilder.Sql("DROP TABLE \"ImportedDailyAggregates\";");
            migrationBuilder.Sql("ALTER TABLE \"ef_temp_ImportedDailyAggregates\" RENAME TO \"ImportedDailyAggregates\";");

            migrationBuilder.CreateTable(
                name: "ImportedRecordSources",
                columns: table => new
                {
                    RecordId = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FirstDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LastDay = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportedRecordSources", x => new { x.RecordId, x.Source });
                });

            migrationBuilder.Sql(
                "INSERT INTO \"ImportedRecordSources\" (\"RecordId\", \"Source\", \"FirstDay\", \"LastDay\") " +
                "SELECT \"RecordId\", \"Source\", MIN(\"Day\"), MAX(\"Day\") FROM \"ImportedDailyAggregates\" GROUP BY \"RecordId\", \"Source\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportedRecordSources");

            migrationBuilder.Sql(Table("ef_temp_ImportedDailyAggregates", "\"Kind\", \"Day\", \"UniqueId\"", ""));
            migrationBuilder.Sql(CopyInto("ef_temp_ImportedDailyAggregates"));
            migrationBuilder.Sql("DROP TABLE \"ImportedDailyAggregates\";");
            migrationBuilder.Sql("ALTER TABLE \"ef_temp_ImportedDailyAggregates\" RENAME TO \"ImportedDailyAggregates\";");

            migrationBuilder.CreateIndex(
                name: "IX_ImportedDailyAggregates_Day",
                table: "ImportedDailyAggregates",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_ImportedDailyAggregates_RecordId_Day",
                table: "ImportedDailyAggregates",
                columns: new[] { "RecordId", "Day" });
        }

        private const string Columns =
            "\"Kind\", \"Day\", \"UniqueId\", \"Source\", \"RecordId\", \"FileId\", \"Count\", \"UniqueCount\", \"Volume\", \"ImportedAt\"";

        /// <summary>The documents' table as EF Core makes it on SQLite, with <paramref name="key"/> and the table options.</summary>
        private static string Table(string name, string key, string options) =>
            $"CREATE TABLE \"{name}\" (" +
            "\"Kind\" INTEGER NOT NULL, \"Day\" TEXT NOT NULL, \"UniqueId\" TEXT NOT NULL, \"Source\" TEXT NOT NULL, " +
            "\"RecordId\" INTEGER NOT NULL, \"FileId\" INTEGER NOT NULL, \"Count\" INTEGER NOT NULL, \"UniqueCount\" INTEGER NOT NULL, " +
            "\"Volume\" INTEGER NOT NULL, \"ImportedAt\" TEXT NOT NULL, " +
            $"CONSTRAINT \"PK_ImportedDailyAggregates\" PRIMARY KEY ({key})){options};";

        private static string CopyInto(string name) =>
            $"INSERT INTO \"{name}\" ({Columns}) SELECT {Columns} FROM \"ImportedDailyAggregates\";";
    }
}
