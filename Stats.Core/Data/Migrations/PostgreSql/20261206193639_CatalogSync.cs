using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.PostgreSql
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
                    Name = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    Bookmark = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Cursor = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    PassBookmark = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastRunStartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastRunFinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastSuccessAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Seen = table.Column<long>(type: "bigint", nullable: false),
                    Changed = table.Column<long>(type: "bigint", nullable: false),
                    Deleted = table.Column<long>(type: "bigint", nullable: false),
                    Skipped = table.Column<long>(type: "bigint", nullable: false),
                    LastSkip = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "integer", nullable: false),
                    NextRunAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
