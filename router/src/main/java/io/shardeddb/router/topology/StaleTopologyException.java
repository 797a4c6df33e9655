package io.shardeddb.router.topology;

/** A pushed topology whose version is not newer than the one the router holds. */
public class StaleTopologyException extends RuntimeException {
  public StaleTopologyException(long offered, long current) {
    super(
        "topology version "
            + offered
            + " is not newer than the current version "
            + current
            + "; send a higher version");
  }
}
