package io.shardeddb.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import java.util.Optional;

/**
 * Remembers what the last status write showed about the API server's CRD ({@link CrdFreshness}):
 * the CRD is cluster-wide, so one write that came back pruned speaks for every resource, and one
 * that came back whole (the user applied the new CRD) clears it. One per operator.
 */
public final class StoredStatusMonitor {

  /** A status write whose answer lacks fields that were sent: the CRD is outdated. */
  public static final class CrdOutdatedException extends RuntimeException {
    private final transient CrdFreshness.Outdated outdated;

    CrdOutdatedException(CrdFreshness.Outdated outdated) {
      super(outdated.message());
      this.outdated = outdated;
    }

    /** What the server dropped. */
    public CrdFreshness.Outdated outdated() {
      return outdated;
    }
  }

  private volatile CrdFreshness.Outdated last;

  /** The server's CRD as the last status write showed it; empty while nothing was dropped. */
  public Optional<CrdFreshness.Outdated> outdated() {
    return Optional.ofNullable(last);
  }

  /**
   * Takes note of one status write: {@code written} was sent, {@code stored} is the resource the
   * server answered with (null: no answer, nothing learnt).
   */
  public Optional<CrdFreshness.Outdated> observe(
      ShardedDatabaseStatus written, ShardedDatabase stored) {
    if (written == null || stored == null) {
      return outdated();
    }
    Optional<CrdFreshness.Outdated> found =
        CrdFreshness.check(tree(written), tree(stored.getStatus()));
    last = found.orElse(null);
    return found;
  }

  /**
   * Like {@link #observe}, for a write the caller acts on next (a resharding move's record): throws
   * when the server did not store all of it, so nothing is done that the status cannot remember.
   */
  public void requireStored(ShardedDatabaseStatus written, ShardedDatabase stored) {
    Optional<CrdFreshness.Outdated> found = observe(written, stored);
    if (found.isPresent()) {
      throw new CrdOutdatedException(found.get());
    }
  }

  private static JsonNode tree(ShardedDatabaseStatus status) {
    return Serialization.jsonMapper().valueToTree(status);
  }
}
