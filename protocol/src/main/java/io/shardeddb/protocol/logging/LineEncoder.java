package io.shardeddb.protocol.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;

/**
 * The console encoder of every process: JSON lines ({@link JsonLineEncoder}) or a plain timestamped
 * pattern, as {@code format} says ({@code SHARDEDDB_LOG_FORMAT}). One appender with this encoder,
 * rather than an appender per format, so that nothing is configured that is not used; an unknown
 * format is reported as a logback error naming the accepted ones, and the process logs plain.
 */
public class LineEncoder extends EncoderBase<ILoggingEvent> {

  /** The formats; {@link #PLAIN} when unset. */
  public static final String JSON = "json";

  public static final String PLAIN = "plain";

  /** The plain line: ISO-8601 time with offset, level, thread, logger, request id when served. */
  public static final String PLAIN_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36}"
          + "%replace( [%X{"
          + RequestIds.MDC_KEY
          + "}]){' \\[\\]', ''} - %msg%n";

  private String format;
  private String database;
  private String shard;
  private String pod;
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format;
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

  /** {@code format} as a known format: blank means plain; null for an unknown one. */
  static String resolve(String format) {
    if (format == null || format.isBlank()) {
      return PLAIN;
    }
    String f = format.trim().toLowerCase(Locale.ROOT);
    return f.equals(JSON) || f.equals(PLAIN) ? f : null;
  }

  @Override
  public void start() {
    String resolved = resolve(format);
    if (resolved == null) {
      addError(
          "SHARDEDDB_LOG_FORMAT must be "
              + JSON
              + " or "
              + PLAIN
              + ", not '"
              + format
              + "'; logging "
              + PLAIN);
      resolved = PLAIN;
    }
    if (resolved.equals(JSON)) {
      JsonLineEncoder json = new JsonLineEncoder();
      json.setDatabase(database);
      json.setShard(shard);
      json.setPod(pod);
      delegate = json;
    } else {
      PatternLayoutEncoder plain = new PatternLayoutEncoder();
      plain.setPattern(PLAIN_PATTERN);
      delegate = plain;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
