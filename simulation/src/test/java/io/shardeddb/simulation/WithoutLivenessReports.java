package io.shardeddb.simulation;

import io.shardeddb.shardserver.replication.rules.Rulebook;

/**
 * The rulebook before issue 47 item 6: no primary stands down and no secondary reports its primary
 * lost (DESIGN §5 rule 11's reports), so a cut-off or silent primary is replaced only after the
 * operator's own thresholds and wait, as when the scripted schedules below were written. Those
 * schedules open a window for another rule's breakage while a cut-off primary still holds its role
 * (learners counted while it is cut off, a shrink's smaller set acknowledged before it dies, a
 * hand-over back to it, a pipelined link's credit before it is lost); with rule 11's reports it is
 * replaced before the window opens — a defence in itself, but these tests are about the other rule,
 * so they run both sides (broken and kept) on this rulebook, where the window still opens.
 * Subclassed by a mutation to break one rule more.
 */
class WithoutLivenessReports extends Rulebook {
  @Override
  public boolean standsDown(long nowNanos, long majorityContactNanos, long periodNanos) {
    return false;
  }

  @Override
  public boolean primaryLost(long nowNanos, long lastHeardNanos, long periodNanos) {
    return false;
  }
}
