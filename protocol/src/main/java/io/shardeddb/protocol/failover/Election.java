package io.shardeddb.protocol.failover;

/** The outcome of {@link FailoverPlanner#choose}: a new primary, or a refusal to guess. */
public sealed interface Election {

  /**
   * {@code winner} becomes primary at {@code epoch}; {@code reason} says why it won (its position,
   * its {@link SeerScore} and the runner-up's). {@code runnerUp} is the next replica that may lead
   * in {@link FailoverPlanner#BEST_FIRST} order (null when none answered), scored against the same
   * most complete answer; it may be behind, and then was never safe to elect.
   */
  record Elected(
      Candidate winner,
      long epoch,
      int counted,
      String reason,
      SeerScore score,
      Candidate runnerUp,
      SeerScore runnerUpScore)
      implements Election {}

  /**
   * Fewer than {@code required} of the spec's {@code replicas} holding their data were fenced at
   * {@code epoch}: nobody is chosen.
   */
  record NoQuorum(long epoch, int counted, int required, int replicas) implements Election {

    /** A sentence for status and Events. */
    public String describe() {
      return "only "
          + counted
          + " of "
          + replicas
          + " replicas answered the fence at epoch "
          + epoch
          + " holding their data; a new primary needs "
          + required;
    }
  }

  /**
   * A majority was fenced, but a replica that may not lead (e.g. one being removed) holds entries
   * beyond every replica that may: choosing now could drop acknowledged writes.
   */
  record Behind(long epoch, Candidate ahead, Candidate bestEligible) implements Election {

    /** A sentence for errors and Events. */
    public String describe() {
      return ahead.name()
          + " (last entry epoch "
          + ahead.lastEntryEpoch()
          + ", lsn "
          + ahead.lastLsn()
          + ") holds entries no replica that may lead has"
          + (bestEligible == null
              ? ""
              : " (best: "
                  + bestEligible.name()
                  + " at last entry epoch "
                  + bestEligible.lastEntryEpoch()
                  + ", lsn "
                  + bestEligible.lastLsn()
                  + ")");
    }
  }
}
