using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RecordBuckets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RecordBuckets",
                columns: table => new
                {
                    BucketId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    RecordId = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LearnedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordBuckets", x => x.BucketId);
                    table.ForeignKey(
                        name: "FK_RecordBuckets_Records_RecordId",
                        column: x => x.RecordId,
                        principalTable: "Records",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RecordBuckets_RecordId",
                table: "RecordBuckets",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RecordBuckets");
        }
    }
}
