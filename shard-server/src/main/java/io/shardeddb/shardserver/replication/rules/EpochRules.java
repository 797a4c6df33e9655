package io.shardeddb.shardserver.replication.rules;

import io.shardeddb.protocol.shard.LogPosition;

/**
 * Rules 1 and 2: which epochs a replica accepts for fences, roles and replication, and the one vote
 * per epoch (the primary it accepted for that epoch).
 */
public final class EpochRules {
  private EpochRules() {}

  /** What a replica has persisted about epochs: the highest seen and its vote. */
  public record Epochs(long epoch, long voteEpoch, String votedPrimary) {
    /** The primary this replica voted for in {@code e}, or null when it cast no vote there. */
    public String voteIn(long e) {
      return voteEpoch == e ? votedPrimary : null;
    }
  }

  /** The answer to {@code /fence}. */
  public enum Fence {
    /** Lower than an epoch already seen: 409 with the seen epoch. */
    REFUSE,
    /** A new, higher epoch: persist it and step down before answering. */
    RAISE,
    /** The epoch already seen: answer again, change nothing (a duplicate or late fence). */
    REPEAT
  }

  public static Fence fence(Epochs persisted, long requested) {
    if (requested < persisted.epoch()) {
      return Fence.REFUSE;
    }
    return requested > persisted.epoch() ? Fence.RAISE : Fence.REPEAT;
  }

  /** The verdict on a {@code /role}: accept (and record the vote) or refuse with a reason. */
  public record RoleVerdict(boolean accept, String reason) {
    static RoleVerdict accepted() {
      return new RoleVerdict(true, null);
    }

    static RoleVerdict refused(String reason) {
      return new RoleVerdict(false, reason);
    }
  }

  /**
   * A role for {@code epoch} under {@code primary}: refused when the epoch is lower than the one
   * seen, when this replica already voted for a different primary in that epoch, or when it would
   * make a replica holding a partial copy the primary.
   */
  public static RoleVerdict role(
      Epochs persisted, long epoch, String primary, boolean asPrimary, boolean copying) {
    if (epoch < persisted.epoch()) {
      return RoleVerdict.refused(
          "stale role: epoch "
              + epoch
              + " is lower than epoch "
              + persisted.epoch()
              + " already seen");
    }
    String vote = persisted.voteIn(epoch);
    if (vote != null && !vote.equals(primary)) {
      return RoleVerdict.refused(
          "conflicting role for epoch "
              + epoch
              + ": this replica already accepted primary "
              + vote
              + " for it");
    }
    if (asPrimary && copying) {
      return RoleVerdict.refused(
          "a replica in the middle of a re-copy holds an incomplete table and cannot be primary");
    }
    return RoleVerdict.accepted();
  }

  /**
   * Rule 2 at the chosen replica: a Primary role names the position it was chosen for ({@code
   * chosenAt}: its fence answer's last entry, a switch-over's caught-up position, 0/0 at bring-up),
   * and a replica whose own last entry ({@code mine}) is before it refuses: it lost entries since
   * it was chosen (a volume lost between its fence answer and the role), and leading without them
   * would drop writes a majority acknowledged. {@code chosenAt} null (an operator that does not
   * send it, during a rolling upgrade): accepted, as before the check.
   */
  public static RoleVerdict primaryPosition(LogPosition mine, LogPosition chosenAt) {
    if (chosenAt == null || !mine.isBefore(chosenAt)) {
      return RoleVerdict.accepted();
    }
    return RoleVerdict.refused(
        "chosen as primary for the log through "
            + chosenAt
            + ", but this replica's log ends at "
            + mine
            + " (entries lost since it was chosen, e.g. its volume); elect again");
  }

  /** Whether replication or a write of {@code epoch} may be taken by a replica at {@code seen}. */
  public static boolean current(long epoch, long seen) {
    return epoch >= seen;
  }
}
