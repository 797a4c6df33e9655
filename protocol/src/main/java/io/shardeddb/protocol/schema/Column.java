package io.shardeddb.protocol.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Creator;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Locale;

/**
 * One column of a table: its name and type, and how a row that leaves it out or sets it to null is
 * treated. {@code nullable} (default false, as the assignment's columns): whether null is a value.
 * {@code defaultValue} (JSON {@code default}): the value a row that leaves the column out gets — a
 * literal in the type's text form, or {@code CURRENT_TIMESTAMP} for a DateTime. {@code
 * autoIncrement}: the shard key's value is generated when a row leaves it out (docs/sql.md).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Column(
    String name,
    ColumnType type,
    Boolean nullable,
    @JsonProperty("default") String defaultValue,
    Boolean autoIncrement) {

  /** The default that is the current time. */
  public static final String CURRENT_TIMESTAMP = "CURRENT_TIMESTAMP";

  @Creator
  public Column {}

  /** A required column without a default (the assignment's columns). */
  public Column(String name, ColumnType type) {
    this(name, type, null, null, null);
  }

  /** Whether null is a value of this column. */
  @JsonIgnore
  public boolean isNullable() {
    return Boolean.TRUE.equals(nullable);
  }

  /** Whether the shard key's value is generated when a row leaves it out. */
  @JsonIgnore
  public boolean isAutoIncrement() {
    return Boolean.TRUE.equals(autoIncrement);
  }

  /** Whether the default is the current time ({@code CURRENT_TIMESTAMP}, {@code NOW()}). */
  @JsonIgnore
  public boolean defaultsToNow() {
    if (defaultValue == null) {
      return false;
    }
    String d = defaultValue.trim().toUpperCase(Locale.ROOT);
    return d.equals(CURRENT_TIMESTAMP)
        || d.equals("CURRENT_TIMESTAMP()")
        || d.equals("NOW()")
        || d.startsWith("CURRENT_TIMESTAMP(");
  }
}
