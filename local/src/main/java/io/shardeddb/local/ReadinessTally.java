package io.shardeddb.local;

/**
 * The kubelet's readiness bookkeeping for one container, as a value: a container that does not run
 * is not ready at once; one successful probe makes it ready; it turns not ready only after {@code
 * failureThreshold} failed probes in a row (the kubelet's default is 3). Before, one failed probe
 * turned a local pod not ready — on a loaded machine a single slow answer made a router pod unready
 * for a tick and `kubectl sdb` found "no ready router pod" where a real cluster has one.
 *
 * @param ready whether the container counts as ready
 * @param failures failed probes in a row since the last success
 */
record ReadinessTally(boolean ready, int failures) {
  /** A container just started: not ready until its first successful probe. */
  static final ReadinessTally STARTED = new ReadinessTally(false, 0);

  /** The tally after one probe; {@code running} false means the container is not running. */
  ReadinessTally after(boolean running, boolean succeeded, int failureThreshold) {
    if (!running) {
      return STARTED;
    }
    if (succeeded) {
      return new ReadinessTally(true, 0);
    }
    int inARow = failures + 1;
    return new ReadinessTally(ready && inARow < Math.max(1, failureThreshold), inARow);
  }
}
