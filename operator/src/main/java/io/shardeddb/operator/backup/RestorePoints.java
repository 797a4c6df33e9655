package io.shardeddb.operator.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.backup.ArchiveClaim;
import io.shardeddb.backup.ArchiveOwnership;
import io.shardeddb.backup.BackupJson;
import io.shardeddb.backup.BackupKeys;
import io.shardeddb.backup.BackupStore;
import io.shardeddb.backup.RestorePoint;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.protocol.topology.Role;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A restore point: a cut consistent across shards (docs/backup.md). Every shard's primary pauses
 * its commits ({@code POST /backup/pause}, a lease of a few seconds, so an operator that dies here
 * holds nothing up for longer) and answers the LSN a quorum holds at the pause; once all are paused
 * at once, all resume, the cut is written to the store, and each primary is asked to archive now.
 * No write is acknowledged on any shard while all are paused, so a write acknowledged after the cut
 * on one shard is after every shard's cut: a restore to the point never holds a write acknowledged
 * after another write it lacks.
 */
final class RestorePoints {
  private static final long LEASE_MILLIS = 5_000;
  private final ShardServerClient shards;
  private final ObjectMapper json = new ObjectMapper();

  /** lsns when taken; else failure (final) or message (try again). */
  record Outcome(Map<String, Long> lsns, String failure, String message) {}

  RestorePoints(ShardServerClient shards) {
    this.shards = shards;
  }

  Outcome take(String name, ShardedDatabase sdb, BackupStore store, Clock clock) {
    String db = sdb.getMetadata().getName();
    if (store.get(BackupKeys.restorePoint(db, name)).isPresent()) {
      return new Outcome(null, "restore point " + name + " of " + db + " already exists", null);
    }
    // Only into this database's own archive (docs/backup.md, "One owner per archive").
    ArchiveClaim owner = ArchiveOwnership.check(store, db, sdb.getMetadata().getUid());
    if (!owner.owned()) {
      return owner.problem() == null
          ? new Outcome(null, null, "no shard of " + db + " has archived yet; retrying")
          : new Outcome(null, owner.problem(), null);
    }
    List<ShardStatus> statuses =
        sdb.getStatus() == null || sdb.getStatus().shards() == null
            ? List.of()
            : sdb.getStatus().shards();
    if (statuses.isEmpty()) {
      return new Outcome(null, null, "the database has no running shards yet");
    }
    Map<String, String> primaries = new TreeMap<>();
    for (ShardStatus s : statuses) {
      String url =
          (s.replicas() == null ? List.<ReplicaStatus>of() : s.replicas())
              .stream()
                  .filter(r -> r.role() == Role.Primary && r.url() != null)
                  .map(ReplicaStatus::url)
                  .findFirst()
                  .orElse(null);
      if (url == null) {
        return new Outcome(null, null, "shard " + s.id() + " has no primary now; retrying");
      }
      primaries.put(s.id(), url);
    }
    String id = name + "-" + clock.millis();
    Map<String, Long> lsns = new TreeMap<>();
    List<String> pausedUrls = new ArrayList<>();
    try {
      for (Map.Entry<String, String> p : primaries.entrySet()) {
        JsonNode cut =
            json.readTree(
                shards.postJson(
                    p.getValue(), "/backup/pause", Map.of("id", id, "millis", LEASE_MILLIS)));
        pausedUrls.add(p.getValue());
        lsns.put(p.getKey(), cut.path("lsn").asLong());
      }
    } catch (RuntimeException | IOException e) {
      return new Outcome(
          null, null, "fencing for the cut failed (" + e.getMessage() + "); retrying");
    } finally {
      for (String url : pausedUrls) {
        try {
          shards.postJson(url, "/backup/resume", Map.of("id", id, "millis", 0));
        } catch (RuntimeException ignored) {
          // The pause's lease ends it anyway.
        }
      }
    }
    store.putBytes(
        BackupKeys.restorePoint(db, name),
        BackupJson.write(new RestorePoint(name, db, clock.millis(), lsns)));
    for (String url : primaries.values()) {
      try {
        shards.postJson(url, "/backup/archive", Map.of());
      } catch (RuntimeException ignored) {
        // Archiving catches up on its own interval.
      }
    }
    return new Outcome(lsns, null, "restore point " + name + " of " + db + " at " + lsns);
  }
}
