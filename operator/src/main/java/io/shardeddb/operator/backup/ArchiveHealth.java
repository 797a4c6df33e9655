package io.shardeddb.operator.backup;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which shards' archives are stalled or refused (another incarnation's archive: docs/backup.md,
 * "One owner per archive"), by database ({@code namespace/name}), as the {@link BackupScheduler}
 * last found them: its Events say when a stall starts and ends, the database's {@code
 * ContinuousArchiving} condition (written by the reconciler) says that it lasts.
 */
public final class ArchiveHealth {

  /**
   * A shard whose archiving has failed past its bound, with the store's last error, or ({@code
   * refused}) whose archive belongs to another database incarnation, with why.
   */
  public record Stall(String shard, String error, boolean refused) {}

  private final Map<String, Map<String, Stall>> byDatabase = new ConcurrentHashMap<>();

  /**
   * Records how {@code shard}'s archive stands ({@code error} null: archiving within its bound);
   * true when the shard went from archiving to stalled or back.
   */
  public boolean report(String database, String shard, String error) {
    return report(database, shard, error, false);
  }

  /**
   * As {@link #report(String, String, String)}, for a shard whose archive may be {@code refused};
   * true also when a stall becomes a refusal or back.
   */
  public boolean report(String database, String shard, String error, boolean refused) {
    Map<String, Stall> shards =
        byDatabase.computeIfAbsent(database, d -> new ConcurrentHashMap<>());
    if (error == null) {
      return shards.remove(shard) != null;
    }
    Stall was = shards.put(shard, new Stall(shard, error, refused));
    return was == null || was.refused() != refused;
  }

  /** The stalled shards of {@code database}, by shard id. */
  public List<Stall> stalled(String database) {
    return byDatabase.getOrDefault(database, Map.of()).values().stream()
        .sorted(Comparator.comparing(Stall::shard))
        .toList();
  }
}
