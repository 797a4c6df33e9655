package io.shardeddb.protocol.shard;

import io.micronaut.serde.annotation.Serdeable;

/**
 * A restore point's pause of one shard's commits (docs/backup.md, DESIGN §9): the bodies and
 * answers of {@code POST /backup/pause} and {@code POST /backup/resume}. A restore point is a
 * consistent cut only if every shard's pause still held when it was resumed: that is what {@link
 * Resumed#hold()} tells the operator.
 */
public final class WritePause {
  private WritePause() {}

  /** {@code POST /backup/pause}: stop committing. */
  public static final String PAUSE = "/backup/pause";

  /** {@code POST /backup/resume}: commit again, answering whether the pause still held. */
  public static final String RESUME = "/backup/resume";

  /**
   * The body of both calls: the pause's id, its lease in milliseconds (pause only: commits resume
   * on their own when it runs out) and the epoch the caller believes the primary leads (pause only;
   * null: not checked). A primary of another epoch, or one without its lease (DESIGN §5 rule 9),
   * refuses with 409, so a deposed primary cannot answer a cut.
   */
  @Serdeable
  public record Request(String id, long millis, Long epoch) {}

  /** The answer of a pause: the shard's LSN a quorum holds at the pause, and the epoch. */
  @Serdeable
  public record Cut(String id, String shard, long lsn, long epoch) {}

  /**
   * Whether a pause still held commits back when it was resumed, with this primary's epoch
   * confirmed by a majority after the resume.
   */
  public enum Hold {
    /**
     * No commit happened between the pause's cut and the resume, and a majority acknowledged this
     * primary's epoch after the resume, so no newer primary committed anything meanwhile.
     */
    Held,
    /**
     * The pause no longer held: its lease ran out (commits may have gone on after the cut), it was
     * never taken on this server, or the server restarted since.
     */
    Lapsed,
    /**
     * The pause held, but no majority acknowledged this primary's epoch in a request sent after the
     * resume arrived (within a bound): a newer primary may have been committing meanwhile, so the
     * cut may miss its writes.
     */
    Unconfirmed
  }

  /** The answer of a resume: which replica answered and whether the pause still held. */
  @Serdeable
  public record Resumed(String id, String replica, Hold hold) {}
}
