using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Overview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnnotationChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Action = table.Column<byte>(type: "INTEGER", nullable: false),
                    AnnotationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Scope = table.Column<byte>(type: "INTEGER", nullable: false),
                    Community = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    FromDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ToDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnnotationChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Annotations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Scope = table.Column<byte>(type: "INTEGER", nullable: false),
                    Community = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    FromDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ToDay = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Annotations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AnnotationChanges_ChangedAt",
                table: "AnnotationChanges",
                column: "ChangedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Annotations_ToDay_FromDay",
                table: "Annotations",
                columns: new[] { "ToDay", "FromDay" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnnotationChanges");

            migrationBuilder.DropTable(
                name: "Annotations");
        }
    }
}
