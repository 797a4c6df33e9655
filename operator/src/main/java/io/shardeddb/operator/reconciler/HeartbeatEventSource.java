package io.shardeddb.operator.reconciler;

import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.TimedHeartbeat;
import io.shardeddb.planner.pass.ShardActuator;
import io.shardeddb.protocol.shard.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard-servers' heartbeats as a polled event source (docs/operator.md, "Heartbeats"): every
 * {@code period}, each pod a pass registered ({@link #heartbeats}) is asked for {@code GET
 * /heartbeat} on the {@code calls} threads (bounded; a pod with a call in flight is not asked
 * again, so a hung pod holds one thread for one client deadline at a time). Each answer or silence
 * is cached per database with the time it was received, and a pass is triggered when the view a
 * pass decides from ({@link HeartbeatChanges}) differs from the one the last pass decided from —
 * not on an unchanged poll.
 *
 * <p>A pass reads the cache and never decides from an observation older than {@link #maxAge()}: a
 * pod without a newer one (the poller fell behind, or has not reached a new pod yet) is asked in
 * the pass, as every pod was before, waiting at most the client's deadline. JOSDK's {@code
 * PerResourcePollingEventSource} polls a database in rounds (one fetch per database, the next only
 * after it returns), so one hung pod would delay every other pod's answer by a deadline; here each
 * pod has its own call.
 */
public final class HeartbeatEventSource
    extends AbstractEventSource<HeartbeatEventSource.Polled, ShardedDatabase>
    implements ResourceEventAware<ShardedDatabase> {

  /** The event source's name. */
  public static final String NAME = "heartbeats";

  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatEventSource.class);

  /**
   * One pod's last call at {@code url}: its heartbeat, or null when it did not answer (or another
   * replica answered at its address), received at {@code at}.
   */
  public record Polled(String pod, String url, TimedHeartbeat beat, Instant at) {

    boolean answered() {
      return beat != null;
    }
  }

  /** One database's pods (name to URL), their last calls, the calls in flight, what was decided. */
  private static final class Followed {
    private Map<String, String> urls = Map.of();
    private final Map<String, Polled> last = new HashMap<>();
    private final Map<String, CompletableFuture<Polled>> inFlight = new HashMap<>();
    // Per pod, how many times the operator acted on it: a call sent before the last is not kept.
    private final Map<String, Integer> actions = new HashMap<>();
    private Map<String, HeartbeatChanges.Answer> decided;
    private Map<String, HeartbeatChanges.Answer> announced;
    private int passes;
  }

  private final ShardServerClient client;
  private final ExecutorService calls;
  private final Clock clock;
  private final Duration period;
  private final Duration callDeadline;
  private final Map<ResourceID, Followed> followed = new ConcurrentHashMap<>();
  private ScheduledExecutorService ticker;

  /**
   * Polls through {@code client} (whose credential and TLS context for each URL the pass
   * registered) on {@code calls}, every {@code period}; {@code callDeadline} is the longest a
   * heartbeat call lasts (the client's connect and request timeouts); times come from {@code
   * clock}.
   */
  public HeartbeatEventSource(
      ShardServerClient client,
      ExecutorService calls,
      Clock clock,
      Duration period,
      Duration callDeadline) {
    super(Polled.class, NAME);
    this.client = client;
    this.calls = calls;
    this.clock = clock;
    this.period = period;
    this.callDeadline = callDeadline;
  }

  /**
   * The oldest observation a pass decides from: a pod is asked every {@code period} once its last
   * call ended, and a call ends within {@code callDeadline}, so a poller that keeps up always has
   * one younger than {@code period + callDeadline}; one more period is slack for scheduling.
   */
  Duration maxAge() {
    return period.multipliedBy(2).plus(callDeadline);
  }

  /** Whether a pass at {@code now} may decide from {@code p}. */
  private boolean fresh(Polled p, Instant now) {
    return !Duration.between(p.at(), now).minus(maxAge()).isPositive();
  }

  @Override
  public synchronized void start() throws OperatorException {
    super.start();
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shardeddb-heartbeat-poll");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(
        () -> {
          try {
            pollAll();
          } catch (RuntimeException e) {
            // One failed round must not end the schedule.
            LOG.warn("heartbeat poll failed", e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() throws OperatorException {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    super.stop();
  }

  /**
   * The heartbeats a pass decides from, for the pods {@code urls} (name to URL; polled from now on,
   * the others of this database no longer): each pod's cached answer when it is at most {@link
   * #maxAge()} old at {@code now}; a pod whose last call is older (or that has none) is asked now,
   * joining a call in flight, all together waited for at most the call deadline. Silent pods, and
   * answers from another replica at a pod's address, are absent.
   */
  Map<String, TimedHeartbeat> heartbeats(ResourceID db, Map<String, String> urls, Instant now) {
    Followed f = followed.computeIfAbsent(db, k -> new Followed());
    Map<String, TimedHeartbeat> out = new HashMap<>();
    Map<String, CompletableFuture<Polled>> asked = new HashMap<>();
    synchronized (f) {
      f.passes++;
      f.urls = Map.copyOf(urls);
      f.last.entrySet().removeIf(e -> !e.getValue().url().equals(urls.get(e.getKey())));
      urls.forEach(
          (pod, url) -> {
            Polled p = f.last.get(pod);
            if (p != null && fresh(p, now)) {
              if (p.answered()) {
                out.put(pod, p.beat());
              }
            } else {
              asked.put(pod, call(db, f, pod, url));
            }
          });
    }
    long deadline = System.nanoTime() + callDeadline.toNanos();
    boolean trigger;
    try {
      asked.forEach(
          (pod, call) -> {
            try {
              Polled p = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
              // (A poll of the pod's previous address does not stand for the new one.)
              if (p.answered() && p.url().equals(urls.get(pod))) {
                out.put(pod, p.beat());
              }
            } catch (TimeoutException | ExecutionException e) {
              LOG.debug("no heartbeat from {} within {}", pod, callDeadline);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    } finally {
      synchronized (f) {
        f.passes--;
        f.decided = HeartbeatChanges.view(beatsOf(out));
        f.announced = null;
        // What arrived while the pass waited and it did not take (a poll of a pod it read from the
        // cache) is announced now.
        trigger = changed(f);
      }
    }
    announce(db, trigger);
    return out;
  }

  /**
   * Starts a call to every registered pod that has none in flight (every period); completes once
   * each of those calls is recorded.
   */
  CompletableFuture<Void> pollAll() {
    List<CompletableFuture<Polled>> started = new ArrayList<>();
    followed.forEach(
        (db, f) -> {
          synchronized (f) {
            f.urls.forEach((pod, url) -> started.add(call(db, f, pod, url)));
          }
        });
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  /**
   * The call in flight to {@code pod}, or a new one; it completes once its answer is recorded.
   * Under {@code f}'s lock.
   */
  private CompletableFuture<Polled> call(ResourceID db, Followed f, String pod, String url) {
    CompletableFuture<Polled> running = f.inFlight.get(pod);
    if (running != null) {
      return running;
    }
    CompletableFuture<Polled> call = new CompletableFuture<>();
    f.inFlight.put(pod, call);
    int actedBefore = f.actions.getOrDefault(pod, 0);
    try {
      calls.execute(
          () -> {
            Polled p = new Polled(pod, url, null, clock.instant());
            try {
              p = ask(pod, url);
            } finally {
              record(db, f, p, actedBefore, call);
              call.complete(p);
            }
          });
    } catch (RejectedExecutionException e) {
      f.inFlight.remove(pod);
      call.complete(new Polled(pod, url, null, clock.instant()));
    }
    return call;
  }

  /**
   * The operator just sent the shard-server at {@code url} a call that changes it (a role, a fence,
   * a configuration, a re-copy, a range step), or may have: what was cached for it, and a poll sent
   * before, show it as it was, so the next pass asks it again instead (a pass that acted is
   * followed by one that sees the effect, as when every pass asked every pod).
   */
  void actedOn(String url) {
    followed
        .values()
        .forEach(
            f -> {
              synchronized (f) {
                f.urls.forEach(
                    (pod, u) -> {
                      if (u.equals(url)) {
                        f.last.remove(pod);
                        f.inFlight.remove(pod);
                        f.actions.merge(pod, 1, Integer::sum);
                      }
                    });
              }
            });
  }

  private Polled ask(String pod, String url) {
    try {
      TimedHeartbeat beat = client.heartbeat(url);
      boolean own = ShardActuator.answeredAs(pod, beat.heartbeat().name());
      return new Polled(pod, url, own ? beat : null, clock.instant());
    } catch (RuntimeException e) {
      LOG.debug("no heartbeat from {}: {}", pod, e.getMessage());
      return new Polled(pod, url, null, clock.instant());
    }
  }

  /**
   * Caches {@code p}; triggers a pass when the view differs from what the last pass decided from
   * (once per different view).
   */
  private void record(
      ResourceID db, Followed f, Polled p, int actedBefore, CompletableFuture<Polled> call) {
    boolean trigger;
    synchronized (f) {
      f.inFlight.remove(p.pod(), call);
      if (followed.get(db) != f
          || !p.url().equals(f.urls.get(p.pod()))
          || f.actions.getOrDefault(p.pod(), 0) != actedBefore) {
        return;
      }
      f.last.put(p.pod(), p);
      // A pass under way decides from what it waits for, and announces the rest when it ends.
      trigger = f.passes == 0 && changed(f);
    }
    announce(db, trigger);
  }

  /**
   * Whether the view of the cached answers a pass would take differs from what the last pass
   * decided from and was not announced yet (marks it announced). Under {@code f}'s lock.
   */
  private boolean changed(Followed f) {
    Instant now = clock.instant();
    Map<String, TimedHeartbeat> answers = new HashMap<>();
    f.last.values().stream()
        .filter(p -> p.answered() && fresh(p, now))
        .forEach(a -> answers.put(a.pod(), a.beat()));
    Map<String, HeartbeatChanges.Answer> view = HeartbeatChanges.view(beatsOf(answers));
    if (f.decided == null || view.equals(f.decided) || view.equals(f.announced)) {
      return false;
    }
    f.announced = view;
    return true;
  }

  private void announce(ResourceID db, boolean trigger) {
    if (trigger && isRunning()) {
      LOG.debug("heartbeats of {} changed: a pass", db);
      getEventHandler().handleEvent(new Event(db));
    }
  }

  private static Map<String, Heartbeat> beatsOf(Map<String, TimedHeartbeat> beats) {
    Map<String, Heartbeat> out = new HashMap<>();
    beats.forEach((pod, t) -> out.put(pod, t.heartbeat()));
    return out;
  }

  @Override
  public Set<Polled> getSecondaryResources(ShardedDatabase sdb) {
    Followed f = followed.get(ResourceID.fromResource(sdb));
    if (f == null) {
      return Set.of();
    }
    synchronized (f) {
      return Set.copyOf(f.last.values());
    }
  }

  @Override
  public void onResourceDeleted(ShardedDatabase sdb) {
    followed.remove(ResourceID.fromResource(sdb));
  }
}
