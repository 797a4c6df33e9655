package io.shardeddb.backup.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.BackupStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded S3 server answers a GET that races a PUT of the same key the way S3 does: with one
 * whole version, its body and its metadata together, never the body of one PUT under the checksum
 * of another (BackupArchiveTest once failed that way polling {@code wal/sh1/state.json} while the
 * archiver rewrote it).
 */
class EmbeddedS3ServerOverwriteTest {
  private static final String KEY = "db1/wal/sh1/state.json";

  @TempDir static Path dir;
  static EmbeddedS3Server server;
  static BackupStore store;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "test-key", "test-secret-key");
    store = new BackupStore(server.settings("backups", "it"));
    store.ensureBucket();
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  /** The n-th version of the state: same length for every n below 10^6, different bytes. */
  private static byte[] version(long n) {
    return String.format(
            "{\"shard\":\"sh1\",\"archivedLsn\":%06d,\"archivedEpoch\":1,\"by\":\"r0\"}", n)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static final class Reads {
    long count;
    final List<String> wrong = new ArrayList<>();
  }

  /**
   * One writer overwrites the key, two readers read it, bounded in count and time. Red before
   * {@link WholeVersionBlobStore}: the first or second read already failed with "does not match the
   * SHA-256 it was stored with", the body of a later PUT under the metadata of an earlier one.
   */
  @Test
  void aReadRacingOverwritesSeesOneWholeVersionNeverAMixedOne() throws Exception {
    store.putBytes(KEY, version(0));
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<Long> writer =
          pool.submit(
              () -> {
                long n = 0;
                while (!stop.get() && n < 100_000) {
                  store.putBytes(KEY, version(++n));
                }
                return n;
              });
      List<Future<Reads>> readers = new ArrayList<>();
      // Bounded by count; the time bound only stops a stuck run (a loaded machine reads slower).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(
                () -> {
                  Reads reads = new Reads();
                  while (reads.count < 600
                      && System.nanoTime() < deadline
                      && reads.wrong.isEmpty()) {
                    reads.count++;
                    try {
                      Optional<byte[]> body = store.get(KEY);
                      String text = new String(body.orElseThrow(), StandardCharsets.UTF_8);
                      if (!text.matches("\\{\"shard\":\"sh1\",\"archivedLsn\":\\d{6},.*\\}")) {
                        reads.wrong.add(
                            "read " + reads.count + " returned a body no PUT wrote: " + text);
                      }
                    } catch (BackupStoreException e) {
                      reads.wrong.add(
                          "read " + reads.count + ": " + e.reason() + ": " + e.getMessage());
                    }
                  }
                  return reads;
                }));
      }
      List<String> wrong = new ArrayList<>();
      long count = 0;
      for (Future<Reads> reader : readers) {
        Reads reads = reader.get(120, TimeUnit.SECONDS);
        wrong.addAll(reads.wrong);
        count += reads.count;
      }
      stop.set(true);
      long writes = writer.get(60, TimeUnit.SECONDS);
      assertThat(wrong).isEmpty();
      assertThat(writes).as("the writer overwrote the object while it was read").isGreaterThan(10);
      assertThat(count).as("reads racing the writer").isGreaterThan(200);
    } finally {
      stop.set(true);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
