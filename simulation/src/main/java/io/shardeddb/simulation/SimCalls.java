package io.shardeddb.simulation;

import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.planner.pass.Calls;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The production {@code ShardActuator}'s {@link Calls} in simulated time: a call started runs on a
 * simulated thread of its own started now ({@link Scheduler#spawn}, the operator's call pool), so
 * parallel calls all go out at the same simulated instant and a call that blocks ({@link
 * SimShardClient}'s fence) parks only its own thread; a wait parks the pass's thread until the call
 * is answered or {@link Calls#PARALLEL_BOUND} has passed, and the clock is the scheduler's. Calls
 * waited for together end when the slowest has answered or timed out. Once the operator that made
 * the calls has died ({@code alive} false), every wait ends at once with {@link
 * SimShardClient.CallerDied}.
 */
final class SimCalls implements Calls {
  private final Scheduler scheduler;
  private final BooleanSupplier alive;

  SimCalls(Scheduler scheduler, BooleanSupplier alive) {
    this.scheduler = scheduler;
    this.alive = alive;
  }

  @Override
  public <R> CompletableFuture<R> start(Supplier<R> call) {
    CompletableFuture<R> answer = new CompletableFuture<>();
    scheduler.spawn(
        0,
        () -> {
          if (!alive.getAsBoolean()) {
            answer.completeExceptionally(new SimShardClient.CallerDied());
            return;
          }
          try {
            answer.complete(call.get());
          } catch (RuntimeException e) {
            answer.completeExceptionally(e);
          }
        });
    return answer;
  }

  @Override
  public <R> R join(CompletableFuture<R> started) {
    scheduler.runUntil(
        scheduler.now() + PARALLEL_BOUND.toMillis(),
        () -> started.isDone() || !alive.getAsBoolean());
    if (!alive.getAsBoolean()) {
      throw new SimShardClient.CallerDied();
    }
    if (!started.isDone()) {
      throw new ShardServerException("no answer within " + PARALLEL_BOUND, 0, null);
    }
    return started.join();
  }

  @Override
  public long nanoTime() {
    return scheduler.nanos();
  }
}
