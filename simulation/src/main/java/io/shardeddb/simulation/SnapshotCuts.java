package io.shardeddb.simulation;

import io.shardeddb.shardserver.replication.SnapshotHeader;
import io.shardeddb.shardserver.replication.SnapshotStream;
import io.shardeddb.shardserver.storage.RequestOutcome;
import java.io.IOException;
import java.util.Map;
import java.util.Random;

/**
 * Snapshots that break mid-stream (issue 24, chunked snapshots). A production snapshot is a long
 * exchange read in chunks ({@code ReplicationController} streams it, {@code SecondarySync} and
 * {@code ImportService} load it chunk by chunk): the source may crash or the connection close after
 * any row. The simulated stream breaks when its source crashes, restarts or is cut off between two
 * chunks of a re-copy ({@code SimTransport.PacedSnapshot}); beyond that, the seed cuts some streams
 * after a chosen number of rows and request outcomes — half with a connection reset (an {@link
 * IOException}), half with a clean early end (the stream says there is nothing more), which only
 * the announced counts in the header reveal (rule 7, {@code Rulebook.copyComplete}). Draws come
 * from a {@code Random} of their own, so the schedule's other faults stay as they were.
 */
final class SnapshotCuts {
  private final Random random;
  private final double rate;
  private long cuts;

  private SnapshotCuts(Random random, double rate) {
    this.random = random;
    this.rate = rate;
  }

  /** No snapshot is cut (the world before; regression seeds replay it). */
  static SnapshotCuts none() {
    return new SnapshotCuts(null, 0);
  }

  /** About one snapshot in {@code 1/rate} is cut, chosen by {@code seed}. */
  static SnapshotCuts bySeed(long seed, double rate) {
    return new SnapshotCuts(new Random(seed * 0x9E3779B97F4A7C15L + 0x5EEDL), rate);
  }

  /** Snapshots cut so far. */
  long cuts() {
    return cuts;
  }

  /** {@code stream}, or a copy of it that breaks after a seeded number of items. */
  SnapshotStream maybeCut(SnapshotStream stream) throws IOException {
    if (rate == 0 || random.nextDouble() >= rate) {
      return stream;
    }
    SnapshotHeader header = stream.header();
    long items = header.rows() + header.requestIds();
    if (items == 0) {
      return stream;
    }
    long at = (long) (random.nextDouble() * items);
    boolean reset = random.nextBoolean();
    cuts++;
    return new SnapshotStream() {
      private long served;

      @Override
      public SnapshotHeader header() {
        return header;
      }

      @Override
      public Map<String, Object> nextRow() throws IOException {
        if (served >= at) {
          return end();
        }
        served++;
        return stream.nextRow();
      }

      @Override
      public RequestOutcome nextOutcome() throws IOException {
        if (served >= at) {
          return end();
        }
        served++;
        return stream.nextOutcome();
      }

      private <T> T end() throws IOException {
        if (reset) {
          throw new IOException("connection reset after " + at + " of " + items + " items");
        }
        return null;
      }

      @Override
      public void close() {
        stream.close();
      }
    };
  }
}
