package io.shardeddb.shardserver.backup;

import io.shardeddb.protocol.shard.WritePause;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.config.ReplicationSettings;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.replication.rules.LeaseRules;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A restore point's fence on one shard (docs/backup.md): the primary stops committing (it holds the
 * group-commit lock, as a role change does), takes its last LSN as the cut, waits until a quorum
 * holds the cut, and answers; commits resume on {@link #resume} or, whatever happens to the caller,
 * when the pause's lease runs out. The resume answers whether the pause still held, with this
 * primary's epoch confirmed by a majority after it ({@link WritePause.Hold}): the operator stores
 * the cut only if every shard's did, since only then were all paused at once, with no write
 * acknowledged anywhere — by these primaries or by a successor — in between. Only the primary of
 * the epoch the caller expects, holding its lease (DESIGN §5 rule 9), answers a cut at all.
 */
@Singleton
public class WritePauses implements AutoCloseable {
  /** The longest pause a caller may ask for. */
  static final long MAX_MILLIS = 10_000;

  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final ReplicationSettings settings;
  private final Map<String, Pause> paused = new ConcurrentHashMap<>();

  /**
   * One pause: released by {@link #resume} or lapsed when its lease ran out, whichever is first (a
   * compare-and-set decides, while commits are still held back, so {@code Held} is never answered
   * for a pause after which a commit happened).
   */
  private static final class Pause {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicReference<WritePause.Hold> end = new AtomicReference<>();

    /** Ends the pause from the caller's side: true when it still held. */
    boolean release() {
      boolean held = end.compareAndSet(null, WritePause.Hold.Held);
      release.countDown();
      return held;
    }

    /** Ends the pause when its lease ran out, unless a resume came first. */
    void lapse() {
      end.compareAndSet(null, WritePause.Hold.Lapsed);
    }
  }

  public WritePauses(
      ReplicaContext ctx, WriteCoordinator coordinator, ReplicationSettings settings) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.settings = settings;
  }

  /**
   * Stops commits for at most {@code millis} and answers the quorum-held cut; 409 unless this is
   * the primary of {@code expectedEpoch} (null: any) holding its lease, before and after the cut.
   */
  public WritePause.Cut pause(String id, long millis, Long expectedEpoch)
      throws InterruptedException {
    requireLeaseOf(expectedEpoch);
    long lease = Math.max(100, Math.min(millis, MAX_MILLIS));
    Pause pause = new Pause();
    CountDownLatch taken = new CountDownLatch(1);
    long[] cut = new long[2];
    if (paused.putIfAbsent(id, pause) != null) {
      throw ShardException.conflict("pause " + id + " is already held on " + ctx.name());
    }
    Thread.ofPlatform()
        .daemon()
        .name("write-pause-" + id)
        .start(() -> coordinator.whileNoCommit(() -> hold(id, pause, lease, cut, taken)));
    if (!taken.await(settings.quorumTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      cancel(id, pause);
      throw ShardException.unavailable("could not pause the commits of " + ctx.name() + " in time");
    }
    long deadline = System.nanoTime() + settings.quorumTimeout().toNanos();
    while (coordinator.committedLsn() < cut[0]) {
      if (System.nanoTime() > deadline) {
        cancel(id, pause);
        throw ShardException.unavailable(
            "the cut at lsn " + cut[0] + " of " + ctx.name() + " is not on a quorum");
      }
      Thread.sleep(2);
    }
    try {
      requireLeaseOf(cut[1]);
    } catch (ShardException e) {
      cancel(id, pause);
      throw e;
    }
    return new WritePause.Cut(id, ctx.requireConfig().shardId(), cut[0], cut[1]);
  }

  /** Inside the commit lock: takes the cut, then holds until released or the lease runs out. */
  private Void hold(String id, Pause pause, long lease, long[] cut, CountDownLatch taken) {
    cut[0] = ctx.appliedLsn();
    cut[1] = ctx.view().epoch();
    taken.countDown();
    try {
      if (!pause.release.await(lease, TimeUnit.MILLISECONDS)) {
        pause.lapse();
      }
    } catch (InterruptedException e) {
      pause.lapse();
      Thread.currentThread().interrupt();
    } finally {
      paused.remove(id, pause);
    }
    return null;
  }

  private void cancel(String id, Pause pause) {
    paused.remove(id, pause);
    pause.release();
  }

  /** 409 unless this replica is the unfenced primary of {@code epoch} and holds its lease. */
  private void requireLeaseOf(Long epoch) {
    ctx.requirePrimary();
    long current = ctx.view().epoch();
    if (epoch != null && epoch != current) {
      throw ShardException.conflict(
          ctx.name() + " is primary of epoch " + current + ", not of epoch " + epoch);
    }
    LeaseRules.Lease lease = coordinator.lease();
    if (lease != LeaseRules.Lease.HELD) {
      throw ShardException.conflict(
          ctx.name()
              + " does not hold its lease for epoch "
              + current
              + " ("
              + lease
              + "): it may have been replaced, so it answers no cut");
    }
  }

  /**
   * Ends pause {@code id}: {@code Lapsed} when its lease had run out or no such pause is held here
   * (never taken, or a restart since); else, commits resumed, {@code Held} once a majority
   * acknowledges this primary's epoch in a request sent after the resume arrived, {@code
   * Unconfirmed} if none does within the lease period. The pause's lease check alone leaves a
   * deposed primary up to one lease window in which its successor may already commit: a majority
   * acknowledging the old epoch after every cut was taken proves no successor had fenced one, so
   * none had committed, by then.
   */
  public WritePause.Resumed resume(String id) throws InterruptedException {
    long arrived = coordinator.nanos();
    Pause pause = paused.remove(id);
    boolean held = pause != null && pause.release();
    WritePause.Hold hold =
        !held
            ? WritePause.Hold.Lapsed
            : confirmedSince(arrived) ? WritePause.Hold.Held : WritePause.Hold.Unconfirmed;
    return new WritePause.Resumed(id, ctx.name(), hold);
  }

  private boolean confirmedSince(long nanos) throws InterruptedException {
    coordinator.pingNow();
    long deadline = System.nanoTime() + settings.leasePeriod().toNanos();
    while (!coordinator.epochConfirmedSince(nanos)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  @PreDestroy
  @Override
  public void close() {
    paused.values().forEach(Pause::release);
  }
}
