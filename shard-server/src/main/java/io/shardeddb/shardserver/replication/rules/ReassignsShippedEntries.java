package io.shardeddb.shardserver.replication.rules;

/**
 * A mutation for the simulator only (rule 4 with {@code shardeddb.replication.overlap-commit}): a
 * {@link Rulebook} that also implements this makes the primary treat a group commit that failed
 * after its entries were handed to the secondaries as it treats one that was never sent — retried
 * one change per transaction, or failed as "nothing written", its LSNs given to the next batch —
 * and resume its own epoch after a restart. The production rule (this interface absent): entries
 * once sent are never reassigned; the term that sent them stops serving instead.
 */
public interface ReassignsShippedEntries {}
