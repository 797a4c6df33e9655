package io.shardeddb.protocol.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;

/**
 * Logback's own {@link JsonEncoder}, one object a line, trimmed to what people and collectors read
 * ({@code timestamp} in epoch milliseconds, {@code level}, {@code threadName}, {@code loggerName},
 * {@code mdc} with the request id, {@code formattedMessage}, {@code throwable}), plus at the top
 * level an ISO-8601 {@code time} and who logs: {@code database}, {@code shard}, {@code pod}, each
 * only when set (the operator's environment gives them: {@code SHARDEDDB_LOG_DATABASE}, {@code
 * SHARDEDDB_LOG_SHARD}, {@code SHARDEDDB_LOG_POD}).
 */
public class JsonLineEncoder extends JsonEncoder {
  private String database;
  private String shard;
  private String pod;

  public JsonLineEncoder() {
    setWithSequenceNumber(false);
    setWithNanoseconds(false);
    setWithContext(false);
    setWithMessage(false);
    setWithArguments(false);
    setWithFormattedMessage(true);
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  public void setShard(String shard) {
    this.shard = shard;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  @Override
  protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
    field(sb, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    field(sb, "database", database);
    field(sb, "shard", shard);
    field(sb, "pod", pod);
  }

  private static void field(StringBuilder sb, String name, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    sb.append(",\"").append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
