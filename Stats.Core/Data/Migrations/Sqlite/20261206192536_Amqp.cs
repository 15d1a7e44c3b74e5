using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Amqp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HeldEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BucketId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    EventId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    Timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    HeldAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    ClaimedBy = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: true),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HeldEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HeldEvents_BucketId",
                table: "HeldEvents",
                column: "BucketId");

            migrationBuilder.CreateIndex(
                name: "IX_HeldEvents_HeldAt",
                table: "HeldEvents",
                column: "HeldAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HeldEvents");
        }
    }
}
