package io.shardeddb.operator.backup;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which shards' archives are stalled, by database ({@code namespace/name}), as the {@link
 * BackupScheduler} last found them: its Events say when a stall starts and ends, the database's
 * {@code ContinuousArchiving} condition (written by the reconciler) says that it lasts.
 */
public final class ArchiveHealth {

  /** A shard whose archiving has failed past its bound, with the store's last error. */
  public record Stall(String shard, String error) {}

  private final Map<String, Map<String, String>> byDatabase = new ConcurrentHashMap<>();

  /**
   * Records how {@code shard}'s archive stands ({@code error} null: archiving within its bound);
   * true when the shard went from archiving to stalled or back.
   */
  public boolean report(String database, String shard, String error) {
    Map<String, String> shards =
        byDatabase.computeIfAbsent(database, d -> new ConcurrentHashMap<>());
    if (error == null) {
      return shards.remove(shard) != null;
    }
    return shards.put(shard, error) == null;
  }

  /** The stalled shards of {@code database}, by shard id. */
  public List<Stall> stalled(String database) {
    return byDatabase.getOrDefault(database, Map.of()).entrySet().stream()
        .map(e -> new Stall(e.getKey(), e.getValue()))
        .sorted(Comparator.comparing(Stall::shard))
        .toList();
  }
}
