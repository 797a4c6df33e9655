package io.shardeddb.operator.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.backup.BackupManifest;
import io.shardeddb.backup.ShardBaseBackup;
import io.shardeddb.protocol.topology.PointRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a base backup's shard snapshots, each consistent on its own, together hold every point of
 * the database once (backup review 2026-11-26 H3): each snapshot carries what its shard owned at
 * its LSN, so a source snapshot taken after a move's purge and a destination snapshot taken before
 * its adopt leave the moved range to nobody — a backup that would silently restore without it — and
 * the opposite order gives it to both. Such a backup is refused, never stored.
 */
final class SnapshotCoverage {
  private SnapshotCoverage() {}

  /**
   * Null when the snapshots' owned ranges are disjoint and cover exactly the points of {@code
   * layout}; else what is wrong, for the user.
   */
  static String problem(
      List<ShardBaseBackup> snapshots, List<BackupManifest.ShardRange> layout, ObjectMapper json) {
    List<PointRange> covered = new ArrayList<>();
    for (ShardBaseBackup s : snapshots) {
      for (PointRange r : owned(s, json)) {
        for (PointRange c : covered) {
          if (c.overlaps(r)) {
            return "the shards' snapshots both hold points "
                + Math.max(c.low(), r.low())
                + ".. (shard "
                + s.shard()
                + " and another): they straddle a resharding cut-over";
          }
        }
        covered.add(r);
      }
    }
    List<PointRange> expected = new ArrayList<>();
    layout.forEach(l -> expected.add(new PointRange(l.low(), l.size())));
    List<PointRange> missing = PointRange.normalize(expected);
    for (PointRange c : covered) {
      missing = PointRange.minus(missing, c);
    }
    if (!missing.isEmpty()) {
      return "no shard's snapshot holds points "
          + missing
          + ": the snapshots straddle a resharding move's cut-over (the source's taken after its"
          + " purge, the destination's before its adopt)";
    }
    return null;
  }

  /** What {@code s}'s shard owned at its snapshot: its config's ranges, else [low, low+size). */
  private static List<PointRange> owned(ShardBaseBackup s, ObjectMapper json) {
    try {
      JsonNode config = json.readTree(s.configJson());
      List<PointRange> out = new ArrayList<>();
      JsonNode owned = config.path("owned");
      if (owned.isArray()) {
        owned.forEach(
            r -> out.add(new PointRange(r.path("low").asLong(), r.path("size").asLong())));
      } else if (config.hasNonNull("low") && config.hasNonNull("size")) {
        out.add(new PointRange(config.path("low").asLong(), config.path("size").asLong()));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "shard " + s.shard() + "'s snapshot config cannot be read: " + e.getMessage(), e);
    }
  }
}
