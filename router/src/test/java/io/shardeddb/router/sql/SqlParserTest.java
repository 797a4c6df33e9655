package io.shardeddb.router.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.router.ApiException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Statements are parsed on the parser's own bounded threads: a busy parser answers 503 (retry)
 * instead of starting another thread, a statement that takes too long is a 400, and a syntax error
 * is a 400 with the parser's first line.
 */
class SqlParserTest {

  @Test
  void aFullParserAnswers503InsteadOfStartingAThread() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
    CountDownLatch release = new CountDownLatch(1);
    try (SqlParser parser = new SqlParser(pool, Duration.ofSeconds(20))) {
      pool.execute(() -> await(release)); // the one thread is busy
      pool.execute(() -> {}); // the one queue slot is taken
      assertThatThrownBy(() -> parser.parse("SELECT * FROM students"))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503))
          .hasMessageContaining("busy");
      assertThat(pool.getLargestPoolSize()).isEqualTo(1);
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((pool.getActiveCount() > 0 || !pool.getQueue().isEmpty())
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(parser.parse("SELECT * FROM students").size()).isEqualTo(1);
    }
  }

  @Test
  void aStatementThatCannotBeParsedInTimeIsA400() {
    // A long statement cannot be parsed in a microsecond-short deadline.
    StringBuilder sql = new StringBuilder("SELECT * FROM students WHERE Stud_id IN (0");
    for (int i = 1; i < 5000; i++) {
      sql.append(',').append(i);
    }
    sql.append(')');
    try (SqlParser parser = new SqlParser(1, 4, Duration.ofNanos(1000))) {
      assertThatThrownBy(() -> parser.parse(sql.toString()))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("could not be parsed within")
          .hasMessageContaining("shardeddb.router.sql.parse-timeout");
    }
  }

  @Test
  void aSyntaxErrorIsA400WithTheParsersFirstLine() {
    try (SqlParser parser = new SqlParser(1, 4, Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> parser.parse("SELEC * FROM students"))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageStartingWith("could not parse the query: ");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
