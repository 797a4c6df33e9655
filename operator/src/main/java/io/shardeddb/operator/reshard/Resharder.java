package io.shardeddb.operator.reshard;

import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.topology.PointRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out resharding one move at a time (docs/resharding.md): plans with {@link MovePlanner},
 * records each phase through the {@link MoveRecorder} before acting on it, and calls the source's
 * and destination's primaries. Every step is idempotent (range changes carry ids derived from the
 * move), so a pass that fails or an operator that restarts resumes from the recorded phase. Only
 * the cut-over waits, bounded by {@link #CUTOVER_TIMEOUT}: the range's writes are paused then.
 */
public final class Resharder {

  private static final Logger LOG = LoggerFactory.getLogger(Resharder.class);

  /** How long the cut-over waits, with the range fenced, for the destination to catch up. */
  public static final Duration CUTOVER_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration POLL = Duration.ofMillis(50);

  private final ShardServerClient client;
  private final Duration cutoverTimeout;
  private final LongSupplier nanos;

  /** A resharder calling through {@code client}, with the documented cut-over bound. */
  public Resharder(ShardServerClient client) {
    this(client, CUTOVER_TIMEOUT, System::nanoTime);
  }

  /** A resharder with another cut-over bound and monotonic clock (tests). */
  public Resharder(ShardServerClient client, Duration cutoverTimeout, LongSupplier nanos) {
    this.client = client;
    this.cutoverTimeout = cutoverTimeout;
    this.nanos = nanos;
  }

  /**
   * What one pass sees: the resource's generation (part of new move ids), the published layout
   * (with new points already added), the spec's layout, the move recorded in flight (null: none)
   * and how to reach each shard.
   */
  public record View(
      long generation,
      Map<String, PointRange> published,
      Map<String, PointRange> target,
      MoveStatus inFlight,
      Map<String, ShardEndpoint> shards) {}

  /**
   * After the pass: the published layout, the move as last recorded (null: none), why the spec
   * cannot be reached (null: it can), the Events due, and whether to look again soon.
   */
  public record Outcome(
      Map<String, PointRange> published,
      MoveStatus move,
      String blocked,
      List<ShardEvent> events,
      boolean busy) {}

  /** One pass: start, advance or abort the move in flight. */
  public Outcome step(View view, MoveRecorder recorder) {
    Pass pass = new Pass(view, recorder);
    try {
      pass.run();
    } catch (ShardServerException e) {
      // The phase recorded so far stands; the next pass repeats the step (same ids).
      LOG.info("move {} waits: {}", pass.move == null ? "-" : pass.move.id(), e.getMessage());
      if (pass.move != null) {
        pass.note(pass.move.message() == null ? e.getMessage() : pass.move.message());
      }
    }
    return new Outcome(pass.published, pass.move, pass.blocked, pass.events, pass.busy());
  }

  /** The move's id: unique per resource generation, source, destination and range. */
  static String moveId(long generation, Move m) {
    return "g"
        + generation
        + "-"
        + m.source()
        + "-"
        + m.destination()
        + "-"
        + m.range().low()
        + "+"
        + m.range().size();
  }

  /** The state of one pass. */
  private final class Pass {
    private final View view;
    private final MoveRecorder recorder;
    private Map<String, PointRange> published;
    private MoveStatus move;
    private String blocked;
    private final List<ShardEvent> events = new ArrayList<>();

    Pass(View view, MoveRecorder recorder) {
      this.view = view;
      this.recorder = recorder;
      this.published = view.published();
      this.move = view.inFlight();
    }

    boolean busy() {
      return move != null && !move.phase().finished();
    }

    void run() {
      if (move == null || move.phase().finished()) {
        if (!start()) {
          return;
        }
      }
      Move m = asMove(move);
      switch (move.phase()) {
        case Pending, Copying, CatchingUp -> {
          if (!MovePlanner.stillWanted(published, view.target(), m)) {
            abort(m);
          } else if (move.phase() == MovePhase.Pending) {
            bringUp(m);
          } else {
            copy(m);
          }
        }
        case CuttingOver -> cutOver(m);
        case Purging -> purge(m);
        case Done, Aborted -> {}
      }
    }

    /** Plans the next move and records it as Pending; false when there is none. */
    private boolean start() {
      MovePlanner.Plan plan = MovePlanner.plan(published, view.target());
      if (!plan.possible()) {
        blocked = plan.refusal();
        return false;
      }
      if (plan.done()) {
        return false;
      }
      Move m = plan.moves().get(0);
      MoveStatus next =
          new MoveStatus(
              moveId(view.generation(), m),
              m.source(),
              m.destination(),
              m.range().low(),
              m.range().size(),
              MovePhase.Pending,
              0L,
              0L,
              null,
              1,
              "waiting for shard " + m.destination() + " to be Ready (it owns nothing yet)");
      enter(next, "planned: " + m + " (" + plan.moves().size() + " moves to go)");
      return true;
    }

    private void bringUp(Move m) {
      ShardEndpoint d = endpoint(m.destination());
      ShardEndpoint s = endpoint(m.source());
      if (d == null || !d.ready() || d.primaryUrl() == null) {
        note("waiting for shard " + m.destination() + " to be Ready (it owns nothing yet)");
        return;
      }
      if (s == null || s.primaryUrl() == null) {
        note("waiting for a primary of shard " + m.source());
        return;
      }
      enter(
          move.in(MovePhase.Copying, "copying " + m + " from " + m.source() + "'s primary"),
          "copying " + m);
      client.startImport(d.primaryUrl(), importRequest(m, s));
    }

    private void copy(Move m) {
      ShardEndpoint d = endpoint(m.destination());
      ShardEndpoint s = endpoint(m.source());
      if (d == null || d.primaryUrl() == null || s == null || s.primaryUrl() == null) {
        note("waiting for the primaries of " + m.source() + " and " + m.destination());
        return;
      }
      Heartbeat source = client.heartbeat(s.primaryUrl()).heartbeat();
      if (move.attemptOrFirst() > 1 && MoveRules.lacks(source.owned(), m.range())) {
        // A cut-over attempt fenced the source and the pass stopped before un-fencing it.
        client.adoptRange(s.primaryUrl(), change(unfenceId(move.attemptOrFirst() - 1), m));
      }
      ImportProgress p = client.importProgress(d.primaryUrl(), move.id());
      if (MoveRules.needsStart(p, move.id())) {
        client.startImport(d.primaryUrl(), importRequest(m, s));
        note("import (re)started on " + m.destination() + "'s primary");
        return;
      }
      MoveStatus progressed = move.progress(p.rowsCopied(), p.sourceLsn());
      MovePhase phase = MoveRules.phaseOf(p);
      String why =
          phase == MovePhase.Copying
              ? p.rowsCopied() + " rows copied"
              : "catching up: source lsn "
                  + p.sourceLsn()
                  + " of "
                  + source.appliedLsn()
                  + " applied";
      if (phase != move.phase()) {
        // A new phase is recorded on its own; the cut-over starts on a later pass.
        enter(progressed.in(phase, why), why);
        return;
      }
      if (MoveRules.readyToCutOver(p, source)) {
        enter(
            progressed.in(
                MovePhase.CuttingOver,
                "cutting over (attempt " + move.attemptOrFirst() + "): writes to the range pause"),
            "cutting over " + m + " (attempt " + move.attemptOrFirst() + ")");
        cutOver(m);
        return;
      }
      move = progressed;
      note(why);
    }

    private void cutOver(Move m) {
      ShardEndpoint d = endpoint(m.destination());
      ShardEndpoint s = endpoint(m.source());
      if (d == null || d.primaryUrl() == null || s == null || s.primaryUrl() == null) {
        note("cut-over waits for the primaries of " + m.source() + " and " + m.destination());
        return;
      }
      int attempt = move.attemptOrFirst();
      long start = nanos.getAsLong();
      String fenceId = move.id() + "/fence/" + attempt;
      if (MoveRules.owns(client.heartbeat(d.primaryUrl()).heartbeat().owned(), m.range())) {
        // An earlier pass sent the adopt (after the destination had caught up) and it committed
        // on the destination's primary, but a heartbeat may report a state no quorum holds: a
        // failover could drop it. Publish on the re-sent fence's and adopt's answers only.
        client.fenceRange(s.primaryUrl(), change(fenceId, m));
        adoptAcknowledged(d, m);
        publish(m, null, start);
        return;
      }
      Heartbeat source = client.heartbeat(s.primaryUrl()).heartbeat();
      ImportProgress before = client.importProgress(d.primaryUrl(), move.id());
      if (MoveRules.owns(source.owned(), m.range()) && !MoveRules.readyToCutOver(before, source)) {
        // The cut-over was chosen on an earlier pass, but the destination's primary changed (a
        // failover: its import does not run there) or fell behind since. A fence now would pause
        // the range's writes for the whole timeout; catch up first, nothing fenced.
        String why =
            m.destination()
                + "'s primary is not caught up with the source (import "
                + (before == null
                    ? "not running there"
                    : before.state() + " at lsn " + before.sourceLsn())
                + "); catching up before the fence";
        enter(move.in(MovePhase.CatchingUp, why), why);
        if (MoveRules.needsStart(before, move.id())) {
          client.startImport(d.primaryUrl(), importRequest(m, s));
        }
        return;
      }
      RangeChangeResponse fence = client.fenceRange(s.primaryUrl(), change(fenceId, m));
      ImportProgress p = awaitCaughtUp(d.primaryUrl(), fence);
      if (!MoveRules.caughtUp(p, move.id(), fence.epoch(), fence.lsn())) {
        Heartbeat dest = client.heartbeat(d.primaryUrl()).heartbeat();
        if (MoveRules.owns(dest.owned(), m.range())) {
          // The destination adopted meanwhile (an operator that restarted mid-pass): never
          // un-fence the source then; publish on the adopt's acknowledged answer.
          adoptAcknowledged(d, m);
          publish(m, p, start);
          return;
        }
        String why =
            "shard "
                + m.destination()
                + " was not caught up "
                + cutoverTimeout.toMillis()
                + " ms after the fence (source "
                + fence.epoch()
                + "/"
                + fence.lsn()
                + ", applied "
                + (p == null ? "none" : p.sourceEpoch() + "/" + p.sourceLsn())
                + "); "
                + m.source()
                + " owns the range again; retrying";
        // Recorded first: the next attempt fences with a new id, never the answered one.
        move = move.nextAttempt().in(MovePhase.CatchingUp, why);
        recorder.record(move);
        events.add(new ShardEvent(EventReason.CutoverRetry, move.id() + ": " + why));
        client.adoptRange(s.primaryUrl(), change(unfenceId(attempt), m));
        return;
      }
      client.stopImport(d.primaryUrl(), move.id());
      adoptAcknowledged(d, m);
      publish(m, p, start);
    }

    /**
     * Sends the (idempotent) adopt to the destination's primary and returns only on its answer,
     * which comes once a quorum of the destination holds the adopt: a 503 (no quorum in time) or
     * any error ends the pass before anything is published or purged (DESIGN §5 rule 14).
     */
    private void adoptAcknowledged(ShardEndpoint d, Move m) {
      RangeChangeResponse adopted =
          client.adoptRange(d.primaryUrl(), change(move.id() + "/adopt", m));
      if (!MoveRules.owns(adopted.owned(), m.range())) {
        throw new ShardServerException(
            "the adopt on "
                + m.destination()
                + " answered that it owns "
                + adopted.owned()
                + ", without "
                + m.range(),
            0,
            null);
      }
    }

    private void publish(Move m, ImportProgress p, long start) {
      Map<String, PointRange> next = MovePlanner.after(published, m);
      long pause = Math.max(0, (nanos.getAsLong() - start) / 1_000_000);
      MoveStatus cut = p == null ? move : move.progress(p.rowsCopied(), p.sourceLsn());
      cut =
          cut.paused(pause)
              .in(
                  MovePhase.Purging,
                  m.destination()
                      + " owns the range (write pause "
                      + pause
                      + " ms); purging it on "
                      + m.source());
      recorder.publish(published, next, cut);
      published = next;
      move = cut;
      events.add(new ShardEvent(EventReason.MovePhaseChanged, move.id() + ": " + move.message()));
      purge(m);
    }

    private void purge(Move m) {
      ShardEndpoint s = endpoint(m.source());
      if (s == null || s.primaryUrl() == null) {
        note("waiting for a primary of " + m.source() + " to purge the range");
        return;
      }
      RangeChangeResponse purged =
          client.purgeRange(s.primaryUrl(), change(move.id() + "/purge", m));
      enter(
          move.in(
              MovePhase.Done,
              "moved "
                  + m
                  + ": "
                  + (move.rowsCopied() == null ? 0 : move.rowsCopied())
                  + " rows copied, write pause "
                  + move.pauseMillis()
                  + " ms, "
                  + purged.rows()
                  + " rows purged from "
                  + m.source()),
          "done: " + m);
    }

    /**
     * Rolls back a move the spec no longer wants, before any adopt on the destination: stop the
     * import, drop what it copied, and make sure the source owns the range again.
     */
    private void abort(Move m) {
      ShardEndpoint d = endpoint(m.destination());
      ShardEndpoint s = endpoint(m.source());
      boolean imported = move.phase() != MovePhase.Pending;
      if (imported && (d == null || d.primaryUrl() == null)) {
        note("aborting: waiting for a primary of " + m.destination() + " to drop the copy");
        return;
      }
      if (imported) {
        client.stopImport(d.primaryUrl(), move.id());
        client.purgeRange(d.primaryUrl(), change(move.id() + "/abort", m));
      }
      if (move.attemptOrFirst() > 1) {
        if (s == null || s.primaryUrl() == null) {
          note("aborting: waiting for a primary of " + m.source() + " to own the range again");
          return;
        }
        // Always sent (an adopt of an owned range changes nothing): a heartbeat saying the source
        // owns the range may report an un-fence that no quorum holds (rule 14).
        RangeChangeResponse back =
            client.adoptRange(s.primaryUrl(), change(unfenceId(move.attemptOrFirst() - 1), m));
        if (!MoveRules.owns(back.owned(), m.range())) {
          note("aborting: " + m.source() + " answered that it owns " + back.owned());
          return;
        }
      }
      MoveStatus aborted =
          move.in(
              MovePhase.Aborted,
              "the spec no longer asks for " + m + "; " + m.source() + " keeps the range");
      move = aborted;
      recorder.record(aborted);
      events.add(new ShardEvent(EventReason.MoveAborted, aborted.id() + ": " + aborted.message()));
    }

    private ImportProgress awaitCaughtUp(String destination, RangeChangeResponse fence) {
      long deadline = nanos.getAsLong() + cutoverTimeout.toNanos();
      ImportProgress last = null;
      while (true) {
        try {
          last = client.importProgress(destination, move.id());
          if (MoveRules.caughtUp(last, move.id(), fence.epoch(), fence.lsn())) {
            return last;
          }
          if (MoveRules.needsStart(last, move.id())) {
            // No import of this move runs there (the destination failed over since the check):
            // waiting cannot help; un-fence now rather than after the whole timeout.
            return last;
          }
        } catch (ShardServerException e) {
          if (e.status() == 0) {
            // No answer at all (frozen, partitioned, dead). Whether an adopt reached it cannot
            // be known, so the source stays fenced (rule 14) -- but waiting here would also hold
            // back the failover that ends the fence, decided by the shard loop of the next pass.
            throw new ShardServerException(
                "the primary of the destination stopped answering after the fence ("
                    + e.getMessage()
                    + "); the range stays fenced until it answers again or fails over",
                0,
                e);
          }
          LOG.debug("no import progress from {}: {}", destination, e.getMessage());
        }
        if (nanos.getAsLong() >= deadline) {
          return last;
        }
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return last;
        }
      }
    }

    /** Records {@code next} before acting on it, with a phase Event. */
    private void enter(MoveStatus next, String what) {
      recorder.record(next);
      move = next;
      events.add(new ShardEvent(EventReason.MovePhaseChanged, next.id() + ": " + what));
    }

    /** A new message for the move in flight (recorded with the pass's status). */
    void note(String why) {
      move = move.in(move.phase(), why);
    }

    private String unfenceId(int attempt) {
      return move.id() + "/unfence/" + attempt;
    }

    private ShardEndpoint endpoint(String shard) {
      return view.shards().get(shard);
    }

    private ImportRequest importRequest(Move m, ShardEndpoint source) {
      return new ImportRequest(move.id(), m.source(), source.urls(), m.range());
    }

    private RangeChange change(String id, Move m) {
      return new RangeChange(id, m.range());
    }
  }

  private static Move asMove(MoveStatus m) {
    return new Move(m.source(), m.destination(), new PointRange(m.low(), m.size()));
  }
}
