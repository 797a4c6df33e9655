package io.shardeddb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.ShardBaseBackup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A base backup is a set of per-shard snapshots; taken during a move they can straddle its cut-over
 * (backup review 2026-11-26 H3) — the check that refuses such a backup.
 */
class SnapshotCoverageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The assignment's layout with sh2's range [4096, 8192) being merged into sh1. */
  private static final List<BackupManifest.ShardRange> LAYOUT =
      List.of(
          new BackupManifest.ShardRange("sh1", 0, 8192),
          new BackupManifest.ShardRange("sh2", 8192, 4096));

  private static ShardBaseBackup snapshot(String shard, String configJson) {
    return new ShardBaseBackup(shard, 10, 1, 0, "c", 0, "k", "p", configJson, 0, 0);
  }

  @Test
  void snapshotsThatSplitTheKeySpaceAsOwnedAreACut() {
    assertThat(
            SnapshotCoverage.problem(
                List.of(
                    snapshot("sh1", "{\"shardId\":\"sh1\",\"low\":0,\"size\":8192}"),
                    snapshot(
                        "sh2",
                        "{\"shardId\":\"sh2\",\"low\":4096,\"size\":8192,"
                            + "\"owned\":[{\"low\":8192,\"size\":4096}]}")),
                LAYOUT,
                JSON))
        .isNull();
  }

  @Test
  void theSourceAfterItsPurgeAndTheDestinationBeforeItsAdoptLeaveTheMovedRangeToNobody() {
    String problem =
        SnapshotCoverage.problem(
            List.of(
                // the destination, before its adopt: still only [0, 4096)
                snapshot("sh1", "{\"shardId\":\"sh1\",\"owned\":[{\"low\":0,\"size\":4096}]}"),
                // the source, after its purge: no longer [4096, 8192)
                snapshot("sh2", "{\"shardId\":\"sh2\",\"owned\":[{\"low\":8192,\"size\":4096}]}")),
            LAYOUT,
            JSON);
    assertThat(problem).contains("no shard's snapshot holds points").contains("4096");
  }

  @Test
  void theOppositeOrderGivesTheRangeToBoth() {
    String problem =
        SnapshotCoverage.problem(
            List.of(
                snapshot("sh1", "{\"shardId\":\"sh1\",\"owned\":[{\"low\":0,\"size\":8192}]}"),
                snapshot("sh2", "{\"shardId\":\"sh2\",\"owned\":[{\"low\":4096,\"size\":8192}]}")),
            LAYOUT,
            JSON);
    assertThat(problem).contains("both hold points 4096");
  }
}
