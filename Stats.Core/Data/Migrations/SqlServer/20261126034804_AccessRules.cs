using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AccessRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The principal-based rules of the first shape were never read by anything: they are dropped, not converted.
            migrationBuilder.Sql("DELETE FROM \"AccessRules\";");

            migrationBuilder.DropIndex(
                name: "IX_AccessRules_PrincipalKind_Principal",
                table: "AccessRules");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "AccessRules");

            migrationBuilder.DropColumn(
                name: "ScopeValue",
                table: "AccessRules");

            migrationBuilder.RenameColumn(
                name: "Scope",
                table: "AccessRules",
                newName: "ScopeKind");

            migrationBuilder.RenameColumn(
                name: "PrincipalKind",
                table: "AccessRules",
                newName: "Family");

            migrationBuilder.RenameColumn(
                name: "Principal",
                table: "AccessRules",
                newName: "UpdatedBy");

            migrationBuilder.RenameColumn(
                name: "CreatedAt",
                table: "AccessRules",
                newName: "UpdatedAt");

            migrationBuilder.AddColumn<byte>(
                name: "ReadsAs",
                table: "ApiKeys",
                type: "tinyint",
                nullable: false,
                defaultValue: (byte)0);

            migrationBuilder.AddColumn<byte>(
                name: "Audience",
                table: "AccessRules",
                type: "tinyint",
                nullable: false,
                defaultValue: (byte)0);

            migrationBuilder.AddColumn<string>(
                name: "ScopeId",
                table: "AccessRules",
                type: "nvarchar(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "AccessRuleChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ChangedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ChangedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    ScopeKind = table.Column<byte>(type: "tinyint", nullable: false),
                    ScopeId = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Family = table.Column<byte>(type: "tinyint", nullable: false),
                    Before = table.Column<byte>(type: "tinyint", nullable: true),
                    After = table.Column<byte>(type: "tinyint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessRuleChanges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessRules_ScopeKind_ScopeId_Family",
                table: "AccessRules",
                columns: new[] { "ScopeKind", "ScopeId", "Family" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessRuleChanges_ChangedAt",
                table: "AccessRuleChanges",
                column: "ChangedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessRuleChanges");

            migrationBuilder.DropIndex(
                name: "IX_AccessRules_ScopeKind_ScopeId_Family",
                table: "AccessRules");

            migrationBuilder.DropColumn(
                name: "ReadsAs",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "Audience",
                table: "AccessRules");

            migrationBuilder.DropColumn(
                name: "ScopeId",
                table: "AccessRules");

            migrationBuilder.RenameColumn(
                name: "UpdatedBy",
                table: "AccessRules",
                newName: "Principal");

            migrationBuilder.RenameColumn(
                name: "UpdatedAt",
                table: "AccessRules",
                newName: "CreatedAt");

            migrationBuilder.RenameColumn(
                name: "ScopeKind",
                table: "AccessRules",
                newName: "Scope");

            migrationBuilder.RenameColumn(
                name: "Family",
                table: "AccessRules",
                newName: "PrincipalKind");

            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "AccessRules",
                type: "nvarchar(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ScopeValue",
                table: "AccessRules",
                type: "nvarchar(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessRules_PrincipalKind_Principal",
                table: "AccessRules",
                columns: new[] { "PrincipalKind", "Principal" });
        }
    }
}
