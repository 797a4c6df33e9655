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
        String message) {

  /** The cut-over attempt, 1 when not recorded. */
  public int attemptOrFirst() {
    return attempt == null ? 1 : attempt;
  }

  /** This move in {@code next} with this message. */
  public MoveStatus in(MovePhase next, String why) {
    return new MoveStatus(
        id, source, destination, low, size, next, rowsCopied, sourceLsn, pauseMillis, attempt, why);
  }

  /** This move with the import's progress. */
  public MoveStatus progress(long rows, long lsn) {
    return new MoveStatus(
        id, source, destination, low, size, phase, rows, lsn, pauseMillis, attempt, message);
  }

  /** This move with the measured write pause. */
  public MoveStatus paused(long millis) {
    return new MoveStatus(
        id, source, destination, low, size, phase, rowsCopied, sourceLsn, millis, attempt, message);
  }

  /** This move at the next cut-over attempt. */
  public MoveStatus nextAttempt() {
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
        attemptOrFirst() + 1,
        message);
  }
}
