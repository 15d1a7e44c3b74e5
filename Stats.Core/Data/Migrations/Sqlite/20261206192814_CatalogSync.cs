using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CatalogSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CatalogSourceStates",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    Bookmark = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Cursor = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    PassBookmark = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastRunStartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastRunFinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSuccessAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Seen = table.Column<long>(type: "INTEGER", nullable: false),
                    Changed = table.Column<long>(type: "INTEGER", nullable: false),
                    Deleted = table.Column<long>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSkip = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    NextRunAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CatalogSourceStates", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CatalogSourceStates");
        }
    }
}
