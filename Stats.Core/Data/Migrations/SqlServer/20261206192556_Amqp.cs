using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.SqlServer
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    BucketId = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    EventId = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false),
                    Timestamp = table.Column<DateTime>(type: "datetime2", nullable: false),
                    HeldAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Payload = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ClaimedBy = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    ClaimedUntil = table.Column<DateTime>(type: "datetime2", nullable: true)
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
