package io.shardeddb.router.sql;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /query}, for the OpenAPI document (the controller reads it by hand). */
@Serdeable
public record QueryRequest(
    @Schema(
            description = "One SQL statement on the database's table",
            example =
                "INSERT INTO students (Stud_id, Stud_name, Stud_marks) VALUES (1, 'Alice', 90)")
        String query,
    @Schema(
            description =
                "For SELECT: primary | session | any | bounded, as for /read (default: the"
                    + " database's spec.router.reads, primary unless set)",
            nullable = true)
        String consistency,
    @Schema(
            description = "A session token a write returned, for consistency=session",
            nullable = true)
        String session,
    @Schema(
            description =
                "For consistency=bounded: the most milliseconds the replica's data may be behind"
                    + " its primary (default: spec.router.reads.maxStaleness, 1000)",
            nullable = true)
        Long maxStalenessMs) {}
