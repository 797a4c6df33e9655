package io.shardeddb.router.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.router.ApiException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statements;

/**
 * Parses SQL text on a few threads of its own with a short deadline. JSqlParser's plain {@code
 * parseStatements} starts a thread per call, waits up to its default timeout, and then tries again
 * with "complex" parsing: a stream of hostile statements would cost a thread and seconds of CPU
 * each. Here the threads and the queue are bounded (a full queue is a 503 to retry, not a new
 * thread), complex parsing is off (the supported statements never need it), and a statement the
 * parser cannot finish within the deadline is a 400.
 */
public final class SqlParser implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final Duration timeout;

  /** {@code threads} parsers, at most {@code queue} statements waiting, {@code timeout} each. */
  public SqlParser(int threads, int queue, Duration timeout) {
    this(
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(Math.max(1, queue)),
            Thread.ofPlatform().daemon().name("sql-parser-", 0).factory(),
            new ThreadPoolExecutor.AbortPolicy()),
        timeout);
  }

  SqlParser(ThreadPoolExecutor executor, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("shardeddb.router.sql.parse-timeout must be positive");
    }
    this.executor = executor;
    this.timeout = timeout;
  }

  /** The statements in {@code sql}; a 400 when they do not parse in time, 503 when busy. */
  public Statements parse(String sql) {
    try {
      // Not parseStatements(String, ...): with complex parsing off, it answers null for a
      // statement it cannot parse instead of the parser's error.
      return CCJSqlParserUtil.parseStatements(
          CCJSqlParserUtil.newParser(sql)
              .withBackslashEscapeCharacter(true)
              .withAllowComplexParsing(false)
              .withTimeOut(Math.max(1, timeout.toMillis())),
          executor);
    } catch (RejectedExecutionException e) {
      throw new ApiException(
          503, "the SQL parser is busy with other statements; retry the request shortly");
    } catch (JSQLParserException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
        throw new InvalidRequestException(
            "the statement could not be parsed within "
                + timeout.toMillis()
                + " ms (shardeddb.router.sql.parse-timeout); simplify it");
      }
      throw new InvalidRequestException("could not parse the query: " + firstLine(e));
    }
  }

  private static String firstLine(JSQLParserException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? e.getMessage() : t.getMessage();
    if (m == null) {
      return "syntax error";
    }
    m = m.replaceFirst("^[\\w.]+Exception: ", "").strip();
    String[] lines = m.split("\\R");
    StringBuilder out = new StringBuilder(lines[0].strip());
    if (lines.length > 1 && lines[1].strip().startsWith("at line")) {
      out.append(' ').append(lines[1].strip());
    }
    return out.length() > 300 ? out.substring(0, 300) + "..." : out.toString();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
