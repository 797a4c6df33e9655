package io.shardeddb.local;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kill -9} of a local pod's process, found by the pid the pod runner writes on the pod
 * ({@link LocalPodRunner#PID_ANNOTATION}): a container crash, which the runner restarts in place.
 * One place for {@code kubectl-sdb local kill} and the booking demo's kill button. Only a pod that
 * carries the annotation — one local mode runs — can be killed this way; a pod of a real cluster
 * has none.
 */
public final class LocalPodKill {

  /** What was killed: the pod and its process id. */
  public record Killed(String pod, long pid) {}

  /** Why nothing was killed, as a message for the user. */
  public static final class NotKillable extends RuntimeException {
    public NotKillable(String message) {
      super(message);
    }
  }

  private LocalPodKill() {}

  /** The local process id {@code pod} carries, if any. */
  public static Optional<Long> pid(Pod pod) {
    Map<String, String> annotations =
        pod == null ? null : pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    String pid = annotations == null ? null : annotations.get(LocalPodRunner.PID_ANNOTATION);
    if (pid == null || pid.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(pid.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Kills {@code pod}'s process ({@code name} for messages when the pod is absent); {@link
   * NotKillable} says why not when it has no running local process.
   */
  public static Killed kill(String name, Pod pod) {
    long pid =
        pid(pod)
            .orElseThrow(() -> new NotKillable("pod " + name + " has no running local process"));
    ProcessHandle process =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new NotKillable("process " + pid + " is not running"));
    process.destroyForcibly();
    return new Killed(name, pid);
  }
}
