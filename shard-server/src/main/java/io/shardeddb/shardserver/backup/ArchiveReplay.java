package io.shardeddb.shardserver.backup;

import io.micronaut.json.JsonMapper;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.protocol.shard.LogEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Step 2 of a restore (docs/backup.md): the source shard's archived entries after what is already
 * applied, in LSN order, up to the target LSN or the last entry committed at or before the target
 * time, handed to {@code apply} a batch at a time. What to do with each segment and entry is {@link
 * RestoreRules}' (overlaps skipped, a gap refused) and {@link #epochAfter}'s (epochs never go back
 * along one log); this class only reads the store. {@link BackupRestorer} applies the batches to
 * MySQL; the simulator applies them to a simulated disk and checks the result against the
 * acknowledged history, so both run this one replay.
 */
public final class ArchiveReplay {
  private ArchiveReplay() {}

  /** Where the replay ended: the last LSN applied and its epoch. */
  public record Replayed(long applied, long lastEpoch) {}

  /**
   * Replays {@code source}'s archive of {@code shard} after {@code applied} (of epoch {@code
   * appliedEpoch}) up to {@code toLsn} and {@code toTime} (each -1: no bound), in batches of at
   * most {@code chunk}; refuses (throws) an archive that ends short of {@code toLsn}.
   */
  public static Replayed replay(
      BackupStore bs,
      JsonMapper json,
      String source,
      String shard,
      long applied,
      long appliedEpoch,
      long toLsn,
      long toTime,
      int chunk,
      Consumer<List<LogEntry>> apply)
      throws IOException {
    long done = applied;
    long chainEpoch = appliedEpoch;
    List<LogEntry> batch = new ArrayList<>();
    boolean stop = false;
    for (RestoreRules.Segment seg :
        RestoreRules.segmentsAfter(bs.list(BackupKeys.walPrefix(source, shard)), applied)) {
      if (stop || seg.last() <= done + batch.size()) {
        continue;
      }
      try (InputStream in = bs.open(seg.key());
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while (!stop && (line = r.readLine()) != null) {
          ArchivedEntry a = json.readValue(line, ArchivedEntry.class);
          long next = done + batch.size() + 1;
          RestoreRules.Take take = RestoreRules.take(shard, a, next, toLsn, toTime);
          stop = take == RestoreRules.Take.STOP;
          if (take == RestoreRules.Take.APPLY) {
            chainEpoch = epochAfter(shard, chainEpoch, a.entry());
            batch.add(a.entry());
            if (batch.size() >= chunk) {
              apply.accept(batch);
              done = batch.getLast().lsn();
              batch = new ArrayList<>();
            }
          }
        }
      }
    }
    if (!batch.isEmpty()) {
      apply.accept(batch);
      done = batch.getLast().lsn();
    }
    if (toLsn >= 0 && done < toLsn) {
      throw new IllegalStateException(
          "the archive of " + shard + " ends at lsn " + done + ", short of " + toLsn);
    }
    return new Replayed(done, chainEpoch);
  }

  /**
   * The epoch of the chain after {@code e}: epochs never go back along a shard's log (a primary of
   * a later epoch only appends), so an entry of an earlier epoch than its predecessor is not of
   * this log (another incarnation's segment, or a deposed primary's tail): refused, never replayed.
   */
  static long epochAfter(String shard, long previous, LogEntry e) {
    if (e.epoch() < previous) {
      throw new IllegalStateException(
          "the archive of "
              + shard
              + " goes back from epoch "
              + previous
              + " to "
              + e.epoch()
              + " at lsn "
              + e.lsn()
              + ": its entries are not one log (another incarnation's or a deposed primary's);"
              + " the restore fails rather than replay past lsn "
              + (e.lsn() - 1));
    }
    return e.epoch();
  }
}
