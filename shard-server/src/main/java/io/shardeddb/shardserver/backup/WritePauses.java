package io.shardeddb.shardserver.backup;

import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A restore point's fence on one shard (docs/backup.md): the primary stops committing (it holds the
 * group-commit lock, as a role change does), takes its last LSN as the cut, waits until a quorum
 * holds the cut, and answers; commits resume on {@link #resume} or, whatever happens to the caller,
 * when the pause's lease runs out. While every shard is paused at once, no write is acknowledged
 * anywhere, so the cuts are consistent across shards.
 */
@Singleton
public class WritePauses implements AutoCloseable {
  /** The longest pause a caller may ask for. */
  static final long MAX_MILLIS = 10_000;

  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final ReplicationSettings settings;
  private final Map<String, CountDownLatch> paused = new ConcurrentHashMap<>();

  /** The answer of {@code POST /backup/pause}. */
  @Serdeable
  public record Cut(String id, String shard, long lsn, long epoch) {}

  public WritePauses(
      ReplicaContext ctx, WriteCoordinator coordinator, ReplicationSettings settings) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.settings = settings;
  }

  public Cut pause(String id, long millis) throws InterruptedException {
    ctx.requirePrimary();
    long lease = Math.max(100, Math.min(millis, MAX_MILLIS));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    long[] cut = new long[2];
    if (paused.putIfAbsent(id, release) != null) {
      throw ShardException.conflict("pause " + id + " is already held on " + ctx.name());
    }
    Thread.ofPlatform()
        .daemon()
        .name("write-pause-" + id)
        .start(
            () ->
                coordinator.whileNoCommit(
                    () -> {
                      cut[0] = ctx.appliedLsn();
                      cut[1] = ctx.view().epoch();
                      held.countDown();
                      try {
                        release.await(lease, TimeUnit.MILLISECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      } finally {
                        paused.remove(id, release);
                      }
                      return null;
                    }));
    if (!held.await(settings.quorumTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      release.countDown();
      throw ShardException.unavailable("could not pause the commits of " + ctx.name() + " in time");
    }
    long deadline = System.nanoTime() + settings.quorumTimeout().toNanos();
    while (coordinator.committedLsn() < cut[0]) {
      if (System.nanoTime() > deadline) {
        release.countDown();
        throw ShardException.unavailable(
            "the cut at lsn " + cut[0] + " of " + ctx.name() + " is not on a quorum");
      }
      Thread.sleep(2);
    }
    return new Cut(id, ctx.requireConfig().shardId(), cut[0], cut[1]);
  }

  public void resume(String id) {
    CountDownLatch release = paused.remove(id);
    if (release != null) {
      release.countDown();
    }
  }

  @PreDestroy
  @Override
  public void close() {
    paused.values().forEach(CountDownLatch::countDown);
  }
}
