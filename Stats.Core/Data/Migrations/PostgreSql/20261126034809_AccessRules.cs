using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Stats.Core.Data.Migrations.PostgreSql
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
                type: "smallint",
                nullable: false,
                defaultValue: (byte)0);

            migrationBuilder.AddColumn<byte>(
                name: "Audience",
                table: "AccessRules",
                type: "smallint",
                nullable: false,
                defaultValue: (byte)0);

            migrationBuilder.AddColumn<string>(
                name: "ScopeId",
                table: "AccessRules",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "AccessRuleChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChangedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ScopeKind = table.Column<byte>(type: "smallint", nullable: false),
                    ScopeId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Family = table.Column<byte>(type: "smallint", nullable: false),
                    Before = table.Column<byte>(type: "smallint", nullable: true),
                    After = table.Column<byte>(type: "smallint", nullable: true)
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
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ScopeValue",
                table: "AccessRules",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessRules_PrincipalKind_Principal",
                table: "AccessRules",
                columns: new[] { "PrincipalKind", "Principal" });
        }
    }
}
