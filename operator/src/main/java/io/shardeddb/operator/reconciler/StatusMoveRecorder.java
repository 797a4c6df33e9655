package io.shardeddb.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.crd.StoredStatusMonitor;
import io.shardeddb.operator.reshard.Layouts;
import io.shardeddb.operator.reshard.MovePlanner;
import io.shardeddb.operator.reshard.MoveRecorder;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.topology.PointRange;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records moves in the resource's status as the resharder goes (before it acts on them), with
 * optimistic locking; a publication also checks that the published layout is still the one the move
 * started from. A write the server did not store whole (an outdated CRD prunes {@code
 * status.resharding}) throws, so the resharder does not act on a move the status cannot remember.
 * It writes {@code status.resharding} and {@code status.applied} only, never a condition: the
 * Resharding condition is the aggregate's ({@link io.shardeddb.operator.status.StatusAggregator}).
 */
final class StatusMoveRecorder implements MoveRecorder {
  private final ShardedDatabase sdb;
  private final Context<ShardedDatabase> context;
  private final StoredStatusMonitor crd;

  StatusMoveRecorder(
      ShardedDatabase sdb, Context<ShardedDatabase> context, StoredStatusMonitor crd) {
    this.sdb = sdb;
    this.context = context;
    this.crd = crd;
  }

  @Override
  public void record(MoveStatus move) {
    AtomicReference<ShardedDatabaseStatus> sent = new AtomicReference<>();
    ShardedDatabase updated =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            sdb,
            context,
            r -> {
              ShardedDatabaseStatus now = statusOf(r);
              sent.set(now.withResharding(now.reshardingOrEmpty().with(move)));
              r.setStatus(sent.get());
              return r;
            });
    written(updated);
    crd.requireStored(sent.get(), updated);
  }

  /** The pass's later writes start from the version just written instead of conflicting. */
  private void written(ShardedDatabase updated) {
    if (updated != null && updated.getMetadata() != null) {
      sdb.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
    }
  }

  @Override
  public void publish(
      Map<String, PointRange> basis,
      Map<String, PointRange> layout,
      MoveStatus move,
      LogPosition adopted) {
    AtomicReference<ShardedDatabaseStatus> sent = new AtomicReference<>();
    ShardedDatabase updated =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            sdb,
            context,
            r -> {
              ShardedDatabaseStatus now = statusOf(r);
              Map<String, PointRange> recorded =
                  now.applied() == null
                      ? Map.of()
                      : Layouts.ofApplied(now.applied().shardsOrEmpty());
              // New points this pass added to the basis are not recorded yet; nothing else may
              // differ.
              if (now.applied() != null
                  && !MovePlanner.withNewCoverage(recorded, basis).equals(basis)) {
                throw new IllegalStateException(
                    "the published layout changed under move "
                        + move.id()
                        + ": expected "
                        + basis
                        + ", found "
                        + recorded);
              }
              AppliedSpec applied =
                  (now.applied() == null ? SpecValidator.appliedOf(r) : now.applied())
                      .withLayout(
                          Layouts.toApplied(layout),
                          now.applied(),
                          SpecValidator.shardIdsOf(r),
                          Map.of(move.destination(), adopted));
              sent.set(now.withApplied(applied).withResharding(now.reshardingOrEmpty().with(move)));
              r.setStatus(sent.get());
              return r;
            });
    written(updated);
    crd.requireStored(sent.get(), updated);
  }

  private static ShardedDatabaseStatus statusOf(ShardedDatabase r) {
    return r.getStatus() != null ? r.getStatus() : ShardedDatabaseStatus.builder().build();
  }
}
