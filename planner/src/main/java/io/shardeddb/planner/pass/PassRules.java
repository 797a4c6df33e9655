package io.shardeddb.planner.pass;

/**
 * The safety rules {@link ShardCoordinator} asks at its decision points, as one injected object, as
 * the shard-server's {@code Rulebook} is: the production instance answers with the rule; the
 * simulator's {@code BrokenRulesAreCaughtTest} injects a subclass that weakens one, so the mutation
 * breaks the production pass and the simulator must go red. Nothing else overrides it.
 */
public class PassRules {

  /**
   * Rule 2: an election chooses from the answers of the fences it sent — each answering replica has
   * persisted the new epoch and stopped where it reports — never from the heartbeats read before
   * them, after which the old primary's quorum may have acknowledged more.
   */
  public boolean fencesBeforeElecting() {
    return true;
  }
}
