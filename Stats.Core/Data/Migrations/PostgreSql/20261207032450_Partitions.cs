using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stats.Core.Data.Migrations.PostgreSql
{
    /// <summary>
    /// Raw events partitioned by UTC month of Timestamp, with the key (Id, Timestamp) that PostgreSQL requires (ADR-017).
    /// A table cannot be turned into a partitioned one in place: the rows are copied into a new partitioned table with one
    /// partition per month they cover, ids kept and the identity going on from where it was. The product makes every other
    /// partition itself (<see cref="RawEventPartitions"/>), so the partitions' naming here and there must agree.
    /// </summary>
    public partial class Partitions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "RawEvents" RENAME TO "RawEvents_Unpartitioned";
                ALTER TABLE "RawEvents_Unpartitioned" RENAME CONSTRAINT "PK_RawEvents" TO "PK_RawEvents_Unpartitioned";
                ALTER SEQUENCE "RawEvents_Id_seq" RENAME TO "RawEvents_Unpartitioned_Id_seq";
                DROP INDEX "IX_RawEvents_Timestamp_ClientIdHash";
                DROP INDEX "IX_RawEvents_Timestamp_TypeId";

                CREATE TABLE "RawEvents" (
                    LIKE "RawEvents_Unpartitioned" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE,
                    CONSTRAINT "PK_RawEvents" PRIMARY KEY ("Id", "Timestamp")
                ) PARTITION BY RANGE ("Timestamp");
                CREATE UNIQUE INDEX "IX_RawEvents_Timestamp_ClientIdHash" ON "RawEvents" ("Timestamp", "ClientIdHash") WHERE "ClientIdHash" IS NOT NULL;
                CREATE INDEX "IX_RawEvents_Timestamp_TypeId" ON "RawEvents" ("Timestamp", "TypeId");

                DO $$
                DECLARE month timestamp;
                BEGIN
                    FOR month IN SELECT DISTINCT date_trunc('month', "Timestamp" AT TIME ZONE 'UTC') FROM "RawEvents_Unpartitioned" LOOP
                        EXECUTE format('CREATE TABLE %I PARTITION OF "RawEvents" FOR VALUES FROM (%L) TO (%L)',
                            'RawEvents_' || to_char(month, 'YYYY_MM'), month::text || '+00', (month + interval '1 month')::text || '+00');
                    END LOOP;
                END $$;

                INSERT INTO "RawEvents" OVERRIDING SYSTEM VALUE SELECT * FROM "RawEvents_Unpartitioned";
                SELECT setval(pg_get_serial_sequence('"RawEvents"', 'Id'), last_value, is_called) FROM "RawEvents_Unpartitioned_Id_seq";
                DROP TABLE "RawEvents_Unpartitioned";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "RawEvents" RENAME TO "RawEvents_Partitioned";
                ALTER TABLE "RawEvents_Partitioned" RENAME CONSTRAINT "PK_RawEvents" TO "PK_RawEvents_Partitioned";
                ALTER SEQUENCE "RawEvents_Id_seq" RENAME TO "RawEvents_Partitioned_Id_seq";
                DROP INDEX "IX_RawEvents_Timestamp_ClientIdHash";
                DROP INDEX "IX_RawEvents_Timestamp_TypeId";

                CREATE TABLE "RawEvents" (
                    LIKE "RawEvents_Partitioned" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE,
                    CONSTRAINT "PK_RawEvents" PRIMARY KEY ("Id")
                );
                INSERT INTO "RawEvents" OVERRIDING SYSTEM VALUE SELECT * FROM "RawEvents_Partitioned";
                SELECT setval(pg_get_serial_sequence('"RawEvents"', 'Id'), last_value, is_called) FROM "RawEvents_Partitioned_Id_seq";
                DROP TABLE "RawEvents_Partitioned";
                CREATE UNIQUE INDEX "IX_RawEvents_Timestamp_ClientIdHash" ON "RawEvents" ("Timestamp", "ClientIdHash") WHERE "ClientIdHash" IS NOT NULL;
                CREATE INDEX "IX_RawEvents_Timestamp_TypeId" ON "RawEvents" ("Timestamp", "TypeId");
                """);
        }
    }
}
