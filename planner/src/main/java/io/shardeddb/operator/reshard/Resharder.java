package io.shardeddb.operator.reshard;

import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.operator.shardclient.ShardServerClient;
import io.shardeddb.operator.shardclient.ShardServerException;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.ImportSource;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.topology.PointRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out resharding one move at a time (docs/resharding.md): plans with {@link MovePlanner},
 * records each phase through the {@link MoveRecorder} before acting on it, and calls the source's
 * and destination's primaries. Every step is idempotent (range changes carry ids derived from the
 * move), so a pass that fails or an operator that restarts resumes from the recorded phase. No pass
 * waits: the cut-over fences the source on one pass and records the fence's answer and its deadline
 * ({@link #CUTOVER_TIMEOUT} later) in the move; each later pass, requeued after {@link
 * #FENCE_RECHECK}, looks once and lets {@link MoveStep} decide (publish, wait, or un-fence and
 * retry). The range's writes are paused while the fence is held.
 *
 * <p>Why this file is over 450 lines: what is recorded before which call, and which call a
 * restarted operator repeats, is the idempotence argument of a move and is read along one pass; the
 * per-phase decisions are apart ({@link MoveStep}, {@code MovePlanner}, {@code MoveRules}).
 */
public final class Resharder {

  private static final Logger LOG = LoggerFactory.getLogger(Resharder.class);

  /** How long the cut-over waits, with the range fenced, for the destination to catch up. */
  public static final Duration CUTOVER_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How soon the database is reconciled again while a cut-over's fence is held (the range's writes
   * are paused): each pass checks the destination's progress once.
   */
  public static final Duration FENCE_RECHECK = Duration.ofMillis(100);

  /**
   * How long a pass waits for the answer to one range change of a move (fence, adopt, un-fence).
   * Each is one quorum round trip on the shard (milliseconds when healthy); a primary that has not
   * answered within this is frozen, cut off or without a quorum (it answers 503 at its own quorum
   * timeout, 3 s). No answer is read as "unknown": the move stays as recorded (a fence recorded
   * before stays held) and the next pass observes and decides again, repeating the change under the
   * same id. Shorter than the HTTP client's 10 s so that a frozen primary holds up the reconcile
   * pass -- and with it the shard loop that fails that primary over -- for at most this
   * (ReshardFaultIT's merge: a pass hung 11 s in the adopt to a frozen destination).
   */
  public static final Duration RANGE_CHANGE_DEADLINE = Duration.ofSeconds(2);

  private final ShardServerClient client;
  private final Duration cutoverTimeout;
  private final Clock clock;

  /** A resharder calling through {@code client}, with the documented cut-over bound. */
  public Resharder(ShardServerClient client) {
    this(client, CUTOVER_TIMEOUT, Clock.systemUTC());
  }

  /**
   * A resharder with another cut-over bound and a clock read as nanoseconds since the epoch (tests:
   * a clock that moves only when the test moves it).
   */
  public Resharder(ShardServerClient client, Duration cutoverTimeout, LongSupplier nanos) {
    this(client, cutoverTimeout, new NanoClock(nanos));
  }

  /**
   * A resharder with another cut-over bound and clock. The fence's deadline is recorded as a time
   * of this clock, so an operator that restarts mid-wait keeps it (no re-basing).
   */
  public Resharder(ShardServerClient client, Duration cutoverTimeout, Clock clock) {
    this.client = client;
    this.cutoverTimeout = cutoverTimeout;
    this.clock = clock;
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
   * cannot be reached (null: it can), the Events due, whether to look again soon, and the session
   * floors this pass published (a destination's id to the log position of its acknowledged adopt,
   * {@link MoveRecorder#publish}), which the end-of-pass status must keep.
   */
  public record Outcome(
      Map<String, PointRange> published,
      MoveStatus move,
      String blocked,
      List<ShardEvent> events,
      boolean busy,
      Map<String, LogPosition> floors) {

    /** An outcome that published no adopt. */
    public Outcome(
        Map<String, PointRange> published,
        MoveStatus move,
        String blocked,
        List<ShardEvent> events,
        boolean busy) {
      this(published, move, blocked, events, busy, Map.of());
    }

    /**
     * Whether a cut-over's fence is held (the range's writes paused): look again within {@link
     * #FENCE_RECHECK}, not at the busy interval.
     */
    public boolean fenceHeld() {
      return move != null && move.phase() == MovePhase.CuttingOver && move.fenceRecorded();
    }
  }

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
    return new Outcome(
        pass.published, pass.move, pass.blocked, pass.events, pass.busy(), Map.copyOf(pass.floors));
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
    private final Map<String, LogPosition> floors = new HashMap<>();
    private final Instant passStart = clock.instant();

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
      grantExport(m);
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
      ImportProgress progress = null;
      String progressError = null;
      try {
        progress = client.importProgress(d.primaryUrl(), move.id());
      } catch (ShardServerException e) {
        progressError = e.getMessage();
      }
      nameSources(d, s, m, progress);
      performCopy(
          MoveStep.copying(new MoveStep.CopyObservation(move, source, progress, progressError)),
          d,
          s,
          m);
    }

    /**
     * Tells a running import the source shard's replicas as its status lists them now (the same
     * request is a no-op on the destination; sources in a stable order). A pod the source shard
     * gained after the import began may become its primary, and an import that knows only the
     * addresses it was started with cannot follow it there: the move waited for good (move
     * simulator seed 747: sh1 grew 3 → 5 mid-move and a4 became its primary).
     */
    private void nameSources(ShardEndpoint d, ShardEndpoint s, Move m, ImportProgress progress) {
      if (MoveRules.importRunning(progress)) {
        client.startImport(d.primaryUrl(), importRequest(m, s));
      }
    }

    private void performCopy(MoveStep.Action action, ShardEndpoint d, ShardEndpoint s, Move m) {
      switch (action) {
        case MoveStep.UnfenceFirst u -> {
          client.adoptRange(
              s.primaryUrl(), change(unfenceId(u.attempt()), m), RANGE_CHANGE_DEADLINE);
          performCopy(u.then(), d, s, m);
        }
        case MoveStep.Wait w -> note(w.why());
        case MoveStep.StartImport i -> {
          client.startImport(d.primaryUrl(), importRequest(m, s));
          note(i.why());
        }
        case MoveStep.Advance a -> {
          MoveStatus progressed = move.progress(a.rows(), a.lsn());
          if (a.phase() != move.phase()) {
            enter(progressed.in(a.phase(), a.why()), a.why());
          } else {
            move = progressed;
            note(a.why());
          }
        }
        case MoveStep.BeginCutOver c -> {
          enter(
              move.progress(c.rows(), c.lsn()).in(MovePhase.CuttingOver, c.why()),
              "cutting over " + m + " (attempt " + move.attemptOrFirst() + ")");
          cutOver(m);
        }
        default -> throw new IllegalStateException("not a copying action: " + action);
      }
    }

    /**
     * One look at the cut-over: observe, let {@link MoveStep} decide, do it. A fence is recorded
     * with its answer and deadline and then looked at once more in the same pass; what is not
     * decided yet is left for the next pass (requeued after {@link #FENCE_RECHECK}).
     */
    private void cutOver(Move m) {
      ShardEndpoint d = endpoint(m.destination());
      ShardEndpoint s = endpoint(m.source());
      if (d == null || d.primaryUrl() == null || s == null || s.primaryUrl() == null) {
        note("cut-over waits for the primaries of " + m.source() + " and " + m.destination());
        return;
      }
      MoveStep.Observation seen = observe(d, s);
      nameSources(d, s, m, seen.progress());
      MoveStep.Action action = MoveStep.next(seen);
      if (action instanceof MoveStep.Fence fence) {
        RangeChangeResponse answer =
            client.fenceRange(s.primaryUrl(), change(fenceId(), m), RANGE_CHANGE_DEADLINE);
        // Recorded before anything else: a restart resumes the wait from this fence.
        move =
            move.fenced(
                    answer.epoch(),
                    answer.lsn(),
                    clock.instant().toString(),
                    fence.deadline().toString())
                .in(MovePhase.CuttingOver, fence.why());
        recorder.record(move);
        seen = observe(d, s);
        action = MoveStep.next(seen);
      }
      perform(action, seen, d, s, m);
    }

    /** What the cut-over needs to know this pass: a few calls, none waits. */
    private MoveStep.Observation observe(ShardEndpoint d, ShardEndpoint s) {
      Heartbeat source = null;
      List<PointRange> destOwned;
      ImportProgress progress = null;
      boolean progressKnown = true;
      try {
        if (!move.fenceRecorded()) {
          destOwned = client.heartbeat(d.primaryUrl()).heartbeat().owned();
          source = client.heartbeat(s.primaryUrl()).heartbeat();
          progress = client.importProgress(d.primaryUrl(), move.id());
        } else {
          try {
            progress = client.importProgress(d.primaryUrl(), move.id());
          } catch (ShardServerException e) {
            if (e.status() == 0) {
              throw e;
            }
            LOG.debug("no import progress from {}: {}", d.primaryUrl(), e.getMessage());
            progressKnown = false;
          }
          // After the fence an adopt may be unanswered: "not owned" counts only from a primary
          // whose term is confirmed (null otherwise: unknown, the range stays fenced).
          destOwned = MoveRules.confirmedOwned(client.heartbeat(d.primaryUrl()).heartbeat());
        }
      } catch (ShardServerException e) {
        if (e.status() == 0 && move.fenceRecorded()) {
          // No answer at all (frozen, partitioned, dead). Whether an adopt reached it cannot be
          // known, so the source stays fenced (rule 14); the pass ends so that the shard loop of
          // the next pass can fail it over, which ends the fence.
          throw new ShardServerException(
              "the primary of the destination stopped answering after the fence ("
                  + e.getMessage()
                  + "); the range stays fenced until it answers again or fails over",
              0,
              e);
        }
        throw e;
      }
      return new MoveStep.Observation(
          move, destOwned, source, progress, progressKnown, clock.instant(), cutoverTimeout);
    }

    private void perform(
        MoveStep.Action action,
        MoveStep.Observation seen,
        ShardEndpoint d,
        ShardEndpoint s,
        Move m) {
      switch (action) {
        case MoveStep.Publish p -> {
          if (p.fenceAgain()) {
            client.fenceRange(s.primaryUrl(), change(fenceId(), m), RANGE_CHANGE_DEADLINE);
          }
          if (p.stopImport()) {
            client.stopImport(d.primaryUrl(), move.id());
          }
          RangeChangeResponse adopted = adoptAcknowledged(d, m);
          publish(m, p.stopImport() ? seen.progress() : null, adopted);
        }
        case MoveStep.CatchUpFirst c -> {
          enter(move.in(MovePhase.CatchingUp, c.why()), c.why());
          if (c.startImport()) {
            client.startImport(d.primaryUrl(), importRequest(m, s));
          }
        }
        case MoveStep.Wait w -> note(w.why());
        case MoveStep.Retry r -> {
          int attempt = move.attemptOrFirst();
          // Recorded first: the next attempt fences with a new id, never the answered one.
          move = move.nextAttempt().in(MovePhase.CatchingUp, r.why());
          recorder.record(move);
          events.add(new ShardEvent(EventReason.CutoverRetry, move.id() + ": " + r.why()));
          client.adoptRange(s.primaryUrl(), change(unfenceId(attempt), m), RANGE_CHANGE_DEADLINE);
        }
        case MoveStep.Fence f ->
            throw new IllegalStateException("a fence was recorded this pass: " + f.why());
        default -> throw new IllegalStateException("not a cut-over action: " + action);
      }
    }

    private String fenceId() {
      return move.id() + "/fence/" + move.attemptOrFirst();
    }

    /**
     * Sends the (idempotent) adopt to the destination's primary and returns only on its answer,
     * which comes once a quorum of the destination holds the adopt: a 503 (no quorum in time) or
     * any error ends the pass before anything is published or purged (DESIGN §5 rule 14). The
     * answer's position is the destination's session floor once published.
     */
    private RangeChangeResponse adoptAcknowledged(ShardEndpoint d, Move m) {
      RangeChangeResponse adopted =
          client.adoptRange(d.primaryUrl(), change(move.id() + "/adopt", m), RANGE_CHANGE_DEADLINE);
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
      return adopted;
    }

    /**
     * Publishes the layout with {@code m} cut over, the destination's session floor at the adopt's
     * position {@code adopted}: a replica of the destination whose log does not reach it may hold
     * the range by an older history (a range that moved away and back while it was cut off), so it
     * must not serve the range's session reads (docs/safety.md).
     */
    private void publish(Move m, ImportProgress p, RangeChangeResponse adopted) {
      Map<String, PointRange> next = MovePlanner.after(published, m);
      long pause = Math.max(0, Duration.between(fencedAt(), clock.instant()).toMillis());
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
      LogPosition floor = new LogPosition(adopted.epoch(), adopted.lsn());
      recorder.publish(published, next, cut, floor);
      published = next;
      floors.put(m.destination(), floor);
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
        stopImportIfAny(d);
        client.purgeRange(d.primaryUrl(), change(move.id() + "/abort", m));
      }
      // Any move that got past Pending may have sent a fence that was never answered (its primary
      // crashed), so never recorded: it can survive in that primary's log and commit when it wins
      // a later election (move simulator seed 3288). So the range is adopted back on the source
      // whenever an import began, not only after a failed attempt.
      if (imported || move.attemptOrFirst() > 1) {
        if (s == null || s.primaryUrl() == null) {
          note("aborting: waiting for a primary of " + m.source() + " to own the range again");
          return;
        }
        // Always sent (an adopt of an owned range changes nothing): a heartbeat saying the source
        // owns the range may report an un-fence that no quorum holds (rule 14).
        RangeChangeResponse back =
            client.adoptRange(
                s.primaryUrl(),
                change(unfenceId(move.attemptOrFirst() - 1), m),
                RANGE_CHANGE_DEADLINE);
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

    /**
     * {@code DELETE /import} on the destination's primary; a 404 says it runs no import (it failed
     * over or restarted since: an import lives in its primary's memory), so there is nothing to
     * stop. Before, that 404 ended every pass of an abort, which then never completed.
     */
    private void stopImportIfAny(ShardEndpoint d) {
      try {
        client.stopImport(d.primaryUrl(), move.id());
      } catch (ShardServerException e) {
        if (e.status() != 404) {
          throw e;
        }
      }
    }

    /** When the source was fenced: as recorded, else (fenced again this pass) the pass's start. */
    private Instant fencedAt() {
      try {
        return move.fencedAt() == null ? passStart : Instant.parse(move.fencedAt());
      } catch (DateTimeParseException e) {
        return passStart;
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

    /**
     * Tells the source's primary, every pass while the move may still read it, that the
     * destination's pods may read the moved range (docs/security.md, "Who may call what"): its
     * shard-servers refuse another shard's reads of a range nobody granted. Best effort: a refusal
     * here shows as the import's, which the next pass retries.
     */
    private void grantExport(Move m) {
      if (move.phase() == MovePhase.Purging || move.phase().finished()) {
        return;
      }
      ShardEndpoint s = endpoint(m.source());
      if (s == null || s.primaryUrl() == null) {
        return;
      }
      try {
        client.grantExport(s.primaryUrl(), new ExportGrant(move.id(), m.destination(), m.range()));
      } catch (ShardServerException e) {
        LOG.info(
            "move {}: the export grant to {} waits: {}", move.id(), m.source(), e.getMessage());
      }
    }

    private ShardEndpoint endpoint(String shard) {
      return view.shards().get(shard);
    }

    /** The import of {@code m} from {@code source}'s replicas, in a stable order (by address). */
    private ImportRequest importRequest(Move m, ShardEndpoint source) {
      return new ImportRequest(
          move.id(),
          m.source(),
          source.urls().stream().sorted().toList(),
          m.range(),
          source.sources().isEmpty()
              ? null
              : source.sources().stream()
                  .sorted(java.util.Comparator.comparing(ImportSource::url))
                  .toList());
    }

    private RangeChange change(String id, Move m) {
      return new RangeChange(id, m.range());
    }
  }

  /** A clock reading {@code nanos} as nanoseconds since the epoch (tests). */
  private static final class NanoClock extends Clock {
    private final LongSupplier nanos;

    NanoClock(LongSupplier nanos) {
      this.nanos = nanos;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.EPOCH.plusNanos(nanos.getAsLong());
    }
  }

  private static Move asMove(MoveStatus m) {
    return new Move(m.source(), m.destination(), new PointRange(m.low(), m.size()));
  }
}
