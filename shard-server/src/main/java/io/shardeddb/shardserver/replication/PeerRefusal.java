package io.shardeddb.shardserver.replication;

import java.io.IOException;

/** A peer answered with an error status; {@code epoch} is its epoch when it sent one. */
public class PeerRefusal extends IOException {
  private final int status;
  private final long epoch;

  public PeerRefusal(int status, String message, long epoch) {
    super(message);
    this.status = status;
    this.epoch = epoch;
  }

  public int status() {
    return status;
  }

  public long epoch() {
    return epoch;
  }
}
