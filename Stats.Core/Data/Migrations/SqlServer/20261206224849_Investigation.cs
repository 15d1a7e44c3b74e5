using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Investigation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AgentId",
                table: "RawEvents",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OrganisationId",
                table: "RawEvents",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReferrerId",
                table: "RawEvents",
                type: "int",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InvestigationTraces",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    AskedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    AskedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    Kind = table.Column<byte>(type: "tinyint", nullable: false),
                    Subject = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    From = table.Column<DateTime>(type: "datetime2", nullable: false),
                    To = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvestigationTraces", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InvestigationTraces_AskedAt",
                table: "InvestigationTraces",
                column: "AskedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InvestigationTraces");

            migrationBuilder.DropColumn(
                name: "AgentId",
                table: "RawEvents");

            migrationBuilder.DropColumn(
                name: "OrganisationId",
                table: "RawEvents");

            migrationBuilder.DropColumn(
                name: "ReferrerId",
                table: "RawEvents");
        }
    }
}
