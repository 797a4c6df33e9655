package io.shardeddb.protocol.failover;

/** The outcome of {@link FailoverPlanner#choose}: a new primary, or a refusal to guess. */
public sealed interface Election {

  /** {@code winner} becomes primary at {@code epoch}; {@code reason} says why it won. */
  record Elected(Candidate winner, long epoch, int counted, String reason) implements Election {}

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
}
