using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.SqlServer
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
                    Name = table.Column<string>(type: "nvarchar(48)", maxLength: 48, nullable: false),
                    Bookmark = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Cursor = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    PassBookmark = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastRunStartedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastRunFinishedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastSuccessAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Seen = table.Column<long>(type: "bigint", nullable: false),
                    Changed = table.Column<long>(type: "bigint", nullable: false),
                    Deleted = table.Column<long>(type: "bigint", nullable: false),
                    Skipped = table.Column<long>(type: "bigint", nullable: false),
                    LastSkip = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "int", nullable: false),
                    NextRunAt = table.Column<DateTime>(type: "datetime2", nullable: true)
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
