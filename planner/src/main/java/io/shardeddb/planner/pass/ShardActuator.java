package io.shardeddb.planner.pass;

import io.shardeddb.operator.reconciler.ActionResult;
import io.shardeddb.operator.reconciler.ShardAction;
import io.shardeddb.operator.reconciler.ShardAction.AssignRole;
import io.shardeddb.operator.reconciler.ShardAction.Configure;
import io.shardeddb.operator.reconciler.ShardAction.Fence;
import io.shardeddb.operator.reconciler.ShardAction.Resync;
import io.shardeddb.operator.reconciler.ShardAction.Verify;
import io.shardeddb.operator.reconciler.ShardObservation;
import io.shardeddb.operator.recopy.CopyCheck;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.shardclient.TimedFence;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only part of the operator that calls shard-servers for a shard: it carries out the planner's
 * {@link ShardAction}s and reports how each went. Every call has the client's deadline; fences and
 * heartbeats go out in parallel, so one hung replica costs one timeout, never the pass.
 */
public final class ShardActuator {

  private static final Logger LOG = LoggerFactory.getLogger(ShardActuator.class);

  /** How many long-polls {@link #awaitHeartbeat} makes at most. */
  public static final int LONG_POLLS = 3;

  /** Checksum comparisons per finished copy and pass, until the two are at the same LSN. */
  public static final int VERIFY_ATTEMPTS = 3;

  private final ShardServerClient client;
  private final Calls calls;

  /** An actuator calling through {@code client}, in parallel on {@code pool}, in real time. */
  public ShardActuator(ShardServerClient client, ExecutorService pool) {
    this(client, Calls.onThreads(pool));
  }

  /** An actuator calling through {@code client}, its calls run and timed by {@code calls}. */
  public ShardActuator(ShardServerClient client, Calls calls) {
    this.client = client;
    this.calls = calls;
  }

  /** Sends every fence at once; the answers that arrived, by pod (each waited for). */
  public Map<String, TimedFence> fence(List<ShardAction> fences) {
    return fence(fences, null);
  }

  /**
   * Sends every fence at once; the answers that arrived, by pod. The fences to pods in {@code
   * answering} (those that answered this pass's heartbeat) are waited for up to the client's
   * deadline; the others only until then: a replica that is hung or cut off (typically the primary
   * being replaced) would answer with the deadline, adding a second to every failover. An election
   * needs a majority of answers, never all of them (rule 2), so a late answer is just not counted.
   * {@code answering} null: wait for every answer.
   */
  public Map<String, TimedFence> fence(List<ShardAction> fences, Set<String> answering) {
    List<Fence> all = fences.stream().filter(a -> a instanceof Fence).map(a -> (Fence) a).toList();
    Map<String, CompletableFuture<TimedFence>> futures =
        start(all, f -> client.fence(f.url(), new FenceRequest(f.epoch())), Fence::pod);
    Map<String, TimedFence> out = new LinkedHashMap<>();
    // The expected answers first (joined: the slowest bounds the wait), then whatever else came.
    futures.forEach(
        (pod, f) -> {
          if (answering == null || answering.contains(pod)) {
            join(pod, f).ifPresent(a -> out.put(pod, a));
          }
        });
    futures.forEach(
        (pod, f) -> {
          if (answering != null && !answering.contains(pod)) {
            if (f.isDone()) {
              join(pod, f).ifPresent(a -> out.put(pod, a));
            } else {
              LOG.debug("fence of {} not waited for: it answered no heartbeat this pass", pod);
            }
          }
        });
    Map<String, TimedFence> ordered = new LinkedHashMap<>();
    futures
        .keySet()
        .forEach(
            pod ->
                Optional.ofNullable(out.get(pod))
                    .filter(a -> answeredAs(pod, a.answer().name()))
                    .ifPresent(a -> ordered.put(pod, a)));
    return ordered;
  }

  /**
   * Carries out configure, role and resync actions in order. A failure is recorded, never thrown:
   * one unreachable replica must not abort the pass; later actions for the same pod are skipped.
   */
  public List<ActionResult> apply(List<ShardAction> actions) {
    List<ActionResult> results = new ArrayList<>();
    Set<String> failedPods = new HashSet<>();
    for (ShardAction action : actions) {
      if (action instanceof Verify
          || action instanceof Fence
          || failedPods.contains(action.pod())) {
        continue;
      }
      try {
        switch (action) {
          case Configure c -> client.configure(c.url(), c.config());
          case AssignRole r -> client.assignRole(r.url(), r.request());
          case Resync r -> client.resync(r.url());
          case Fence f -> throw new IllegalStateException("fences go through fence()");
          case Verify v -> throw new IllegalStateException("checks go through verify()");
        }
        results.add(ActionResult.done(action));
      } catch (ShardServerException e) {
        LOG.info(
            "{} on {} failed: {}", action.getClass().getSimpleName(), action.pod(), e.getMessage());
        failedPods.add(action.pod());
        results.add(new ActionResult(action, false, e.status(), e.getMessage()));
      }
    }
    return results;
  }

  /**
   * Reads each copied replica's checksum and its primary's, up to {@link #VERIFY_ATTEMPTS} times
   * until {@code comparable} says they are at the same LSN; the last pair read, by pod.
   */
  public Map<String, CopyCheck> verify(List<ShardAction> actions, Predicate<CopyCheck> comparable) {
    Map<String, CopyCheck> out = new LinkedHashMap<>();
    for (ShardAction action : actions) {
      if (!(action instanceof Verify v)) {
        continue;
      }
      try {
        for (int attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
          CopyCheck check =
              new CopyCheck(client.checksum(v.url()), client.checksum(v.primaryUrl()));
          out.put(v.pod(), check);
          if (comparable.test(check)) {
            break;
          }
        }
      } catch (ShardServerException e) {
        LOG.info("checksum of {} failed: {}", v.pod(), e.getMessage());
      }
    }
    return out;
  }

  /**
   * Waits for {@code url} to have applied {@code appliedLsn} and for {@code done} to hold, at most
   * {@code bound}: a long-poll on the shard-server's {@code /heartbeat} (the replica answers once
   * it has applied that LSN), not a sleep in this pass. A long-poll answered early without the LSN
   * (a server that does not wait, an error) is asked again at most {@link #LONG_POLLS} times in
   * all; the last heartbeat read, or null when none answered.
   */
  public Heartbeat awaitHeartbeat(
      String url, long appliedLsn, Predicate<Heartbeat> done, Duration bound) {
    long deadline = calls.nanoTime() + bound.toNanos();
    Heartbeat last = null;
    for (int poll = 0; poll < LONG_POLLS; poll++) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - calls.nanoTime()));
      try {
        last = client.heartbeat(url, appliedLsn, left).heartbeat();
        if (done.test(last) || last.appliedLsn() >= appliedLsn) {
          // Done, or the LSN is there and waiting longer changes nothing the long-poll waits for.
          return last;
        }
      } catch (ShardServerException e) {
        LOG.debug("no heartbeat from {}: {}", url, e.getMessage());
      }
      if (calls.nanoTime() >= deadline) {
        return last;
      }
    }
    return last;
  }

  /** Heartbeats again after changes, so the status shows their effect; old ones on failure. */
  public Map<String, Heartbeat> refresh(ShardObservation o) {
    List<ShardObservation.Member> asked =
        o.members().stream()
            .filter(m -> o.beats().containsKey(m.name()) && m.url() != null)
            .toList();
    Map<String, Heartbeat> fresh = new HashMap<>();
    o.beats().forEach((pod, t) -> fresh.put(pod, t.heartbeat()));
    parallel(asked, m -> client.heartbeat(m.url()).heartbeat(), ShardObservation.Member::name)
        .forEach(
            (pod, h) -> {
              if (answeredAs(pod, h.name())) {
                fresh.put(pod, h);
              }
            });
    return fresh;
  }

  private <T, R> Map<String, R> parallel(
      List<T> items, Function<T, R> call, Function<T, String> key) {
    Map<String, R> out = new LinkedHashMap<>();
    start(items, call, key).forEach((pod, f) -> join(pod, f).ifPresent(r -> out.put(pod, r)));
    return out;
  }

  private <T, R> Map<String, CompletableFuture<R>> start(
      List<T> items, Function<T, R> call, Function<T, String> key) {
    Map<String, CompletableFuture<R>> futures = new LinkedHashMap<>();
    for (T item : items) {
      futures.put(key.apply(item), calls.start(() -> call.apply(item)));
    }
    return futures;
  }

  /**
   * Whether the replica that answered at {@code pod}'s address is {@code pod} (DESIGN §5 rules 2
   * and 4): an address reused by another replica between the pass's pod listing and the call must
   * not pass that replica's heartbeat or log position off as the pod's. A reply without a name
   * (older shard-servers) is taken as the pod's.
   */
  public static boolean answeredAs(String pod, String answeredName) {
    if (answeredName == null || answeredName.equals(pod)) {
      return true;
    }
    LOG.warn(
        "{}'s address was answered by {}: its answer is not counted for {}",
        pod,
        answeredName,
        pod);
    return false;
  }

  private <R> Optional<R> join(String pod, CompletableFuture<R> f) {
    try {
      return Optional.of(calls.join(f));
    } catch (RuntimeException e) {
      LOG.debug("no answer from {}: {}", pod, e.getMessage());
      return Optional.empty();
    }
  }
}
