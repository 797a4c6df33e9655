package io.shardeddb.simulation;

import java.util.List;
import java.util.Optional;

/** Chooses the new primary from the answers of fenced replicas, or nothing without a majority. */
interface FailoverRule {
  Optional<String> choose(List<Messages.FenceAck> fencedAnswers, int replicas);
}
