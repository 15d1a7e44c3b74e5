using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RecordInTimeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RawEvents_Timestamp_TypeId",
                table: "RawEvents");

            migrationBuilder.CreateIndex(
                name: "IX_RawEvents_Timestamp_TypeId_RecordId",
                table: "RawEvents",
                columns: new[] { "Timestamp", "TypeId", "RecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RawEvents_Timestamp_TypeId_RecordId",
                table: "RawEvents");

            migrationBuilder.CreateIndex(
                name: "IX_RawEvents_Timestamp_TypeId",
                table: "RawEvents",
                columns: new[] { "Timestamp", "TypeId" });
        }
    }
}
