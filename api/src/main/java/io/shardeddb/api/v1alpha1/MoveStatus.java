package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One resharding move as the operator recorded it before acting on it, so that an operator restart
 * resumes from {@code phase} (docs/resharding.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MoveStatus(
    @JsonPropertyDescription("The move's id; shard-servers use it to make each step idempotent.")
        String id,
    @JsonPropertyDescription("The shard the range moves from.") String source,
    @JsonPropertyDescription("The shard the range moves to.") String destination,
    @JsonPropertyDescription("The lowest point of the moving range (inclusive).") long low,
    @JsonPropertyDescription("How many points the moving range holds.") long size,
    @JsonPropertyDescription("Pending, Copying, CatchingUp, CuttingOver, Purging, Done or Aborted.")
        MovePhase phase,
    @JsonPropertyDescription("Rows the destination has copied so far.") Long rowsCopied,
    @JsonPropertyDescription(
            "The source log position through which the destination has applied the range's"
                + " changes.")
        Long sourceLsn,
    @JsonPropertyDescription(
            "The measured write pause on the range: from the source's fence to the publication of"
                + " the new layout, in milliseconds.")
        Long pauseMillis,
    @JsonPropertyDescription(
            "The cut-over attempt (1 at first; one more after each attempt that found the"
                + " destination not caught up).")
        Integer attempt,
    @JsonPropertyDescription("What is happening or why it is waiting, in a sentence.")
        String message,
    @JsonPropertyDescription(
            "The source epoch the fence of the current cut-over attempt answered (absent: no fence"
                + " recorded).")
        Long fenceEpoch,
    @JsonPropertyDescription(
            "The source log position the fence of the current cut-over attempt answered: the"
                + " destination adopts only once it has applied the source's log through it.")
        Long fenceLsn,
    @JsonPropertyDescription("When the source answered that fence (RFC 3339).") String fencedAt,
    @JsonPropertyDescription(
            "When the cut-over stops waiting for the destination and un-fences the source, unless"
                + " the destination has caught up by then (RFC 3339).")
        String fenceDeadline) {

  /** A move with no fence recorded (the fields a status without them parses to). */
  public MoveStatus(
      String id,
      String source,
      String destination,
      long low,
      long size,
      MovePhase phase,
      Long rowsCopied,
      Long sourceLsn,
      Long pauseMillis,
      Integer attempt,
      String message) {
    this(
        id,
        source,
        destination,
        low,
        size,
        phase,
        rowsCopied,
        sourceLsn,
        pauseMillis,
        attempt,
        message,
        null,
        null,
        null,
        null);
  }

  /** The cut-over attempt, 1 when not recorded. */
  public int attemptOrFirst() {
    return attempt == null ? 1 : attempt;
  }

  /** Whether the current cut-over attempt's fence answer is recorded (the source is fenced). */
  public boolean fenceRecorded() {
    return fenceEpoch != null && fenceLsn != null;
  }

  /** This move in {@code next} with this message. */
  public MoveStatus in(MovePhase next, String why) {
    Copy c = new Copy(this);
    c.phase = next;
    c.message = why;
    return c.build();
  }

  /** This move with the import's progress. */
  public MoveStatus progress(long rows, long lsn) {
    Copy c = new Copy(this);
    c.rowsCopied = rows;
    c.sourceLsn = lsn;
    return c.build();
  }

  /** This move with the measured write pause. */
  public MoveStatus paused(long millis) {
    Copy c = new Copy(this);
    c.pauseMillis = millis;
    return c.build();
  }

  /** This move with the fence's answer, when it was given and when the wait for it ends. */
  public MoveStatus fenced(long epoch, long lsn, String at, String deadline) {
    Copy c = new Copy(this);
    c.fenceEpoch = epoch;
    c.fenceLsn = lsn;
    c.fencedAt = at;
    c.fenceDeadline = deadline;
    return c.build();
  }

  /** This move at the next cut-over attempt, with no fence recorded. */
  public MoveStatus nextAttempt() {
    Copy c = new Copy(this);
    c.attempt = attemptOrFirst() + 1;
    c.fenceEpoch = null;
    c.fenceLsn = null;
    c.fencedAt = null;
    c.fenceDeadline = null;
    return c.build();
  }

  /**
   * A move being changed: the one place (with {@link #build()}) that lists every field, so each
   * with-method sets only what it changes and a new field is carried by all of them.
   */
  private static final class Copy {
    private final String id;
    private final String source;
    private final String destination;
    private final long low;
    private final long size;
    private MovePhase phase;
    private Long rowsCopied;
    private Long sourceLsn;
    private Long pauseMillis;
    private Integer attempt;
    private String message;
    private Long fenceEpoch;
    private Long fenceLsn;
    private String fencedAt;
    private String fenceDeadline;

    private Copy(MoveStatus m) {
      id = m.id;
      source = m.source;
      destination = m.destination;
      low = m.low;
      size = m.size;
      phase = m.phase;
      rowsCopied = m.rowsCopied;
      sourceLsn = m.sourceLsn;
      pauseMillis = m.pauseMillis;
      attempt = m.attempt;
      message = m.message;
      fenceEpoch = m.fenceEpoch;
      fenceLsn = m.fenceLsn;
      fencedAt = m.fencedAt;
      fenceDeadline = m.fenceDeadline;
    }

    private MoveStatus build() {
      return new MoveStatus(
          id,
          source,
          destination,
          low,
          size,
          phase,
          rowsCopied,
          sourceLsn,
          pauseMillis,
          attempt,
          message,
          fenceEpoch,
          fenceLsn,
          fencedAt,
          fenceDeadline);
    }
  }
}
