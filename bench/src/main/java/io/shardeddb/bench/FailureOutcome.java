package io.shardeddb.bench;

import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.protocol.shard.ReplicaState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link FailureCheck} found, as values: one row per shard of the failed server, the check's
 * result on one configuration, the failed shards' replicas at the end, and a whole-shard read's row
 * difference, and when a replacement counts as caught up. {@link AnalysisReport} renders them;
 * nothing here talks to a cluster.
 */
final class FailureOutcome {
  private FailureOutcome() {}

  /**
   * Whether the pod now named {@code pod} is a replacement (its uid is not {@code oldUid}) whose
   * replica reports Ready, caught up, at {@code minLsn} or later: it then holds every write
   * acknowledged up to there.
   */
  static boolean caughtUp(ReplicaStatus replica, String oldUid, String currentUid, long minLsn) {
    return replica != null
        && currentUid != null
        && !currentUid.equals(oldUid)
        && Boolean.TRUE.equals(replica.ready())
        && replica.state() == ReplicaState.Ready
        && replica.appliedLsn() != null
        && replica.appliedLsn() >= minLsn;
  }

  /**
   * One shard of the failed server, checked through the router after the fault.
   *
   * @param pod the pod that stood for the server, deleted with its volume
   * @param wasPrimary whether it was the shard's primary when deleted
   * @param firstWriteSeconds when the first probe write was answered, seconds after the fault
   *     (shards are checked one after another); null: none was
   * @param rowsExpected rows the whole-shard read must return: every run's and the probes left
   * @param caughtUpLsn the log position the replacement had to reach: the last write, update or
   *     delete acknowledged for this shard after the fault
   * @param caughtUpSeconds when the replacement reported Ready at or past it; null: not in time
   * @param problems what went wrong, empty when nothing did
   */
  record ShardCheck(
      String shard,
      String pod,
      boolean wasPrimary,
      Double firstWriteSeconds,
      int probesWritten,
      int probesRead,
      int probes,
      boolean updateAnswered,
      boolean deleteAnswered,
      int rowsExpected,
      int rowsRead,
      int rowsMissing,
      int rowsUnexpected,
      long caughtUpLsn,
      Double caughtUpSeconds,
      List<String> problems) {

    boolean passed() {
      return problems.isEmpty();
    }

    /** This check once the replacement was waited for: caught up after {@code seconds}, or not. */
    ShardCheck withCaughtUp(Double seconds, String problem) {
      List<String> all = new ArrayList<>(problems);
      if (problem != null) {
        all.add(problem);
      }
      return new ShardCheck(
          shard,
          pod,
          wasPrimary,
          firstWriteSeconds,
          probesWritten,
          probesRead,
          probes,
          updateAnswered,
          deleteAnswered,
          rowsExpected,
          rowsRead,
          rowsMissing,
          rowsUnexpected,
          caughtUpLsn,
          seconds,
          List.copyOf(all));
    }
  }

  /**
   * What the check found on one configuration.
   *
   * @param statusBefore whether {@code GET /status} echoed the {@code /init} layout before the
   *     fault
   * @param deletions each {@code kubectl-sdb local delete-pod} run: its output and exit code
   * @param readySeconds when the database reported Ready again after the fault; null: not in time
   * @param statusAfter whether {@code GET /status} still echoed the layout at the end
   * @param replicas the failed shards' replicas as the status showed them at the end
   * @param problems failures of the check as a whole (not of one shard)
   */
  record Result(
      String server,
      Map<String, String> pods,
      boolean statusBefore,
      List<String> deletions,
      List<ShardCheck> shards,
      Double readySeconds,
      boolean statusAfter,
      List<ReplicaRow> replicas,
      List<String> problems) {

    boolean passed() {
      return problems.isEmpty()
          && statusBefore
          && statusAfter
          && readySeconds != null
          && shards.stream().allMatch(ShardCheck::passed);
    }
  }

  /** One replica of a failed shard at the end of the check, as the status reports it. */
  record ReplicaRow(
      String shard,
      String pod,
      String role,
      Boolean ready,
      String state,
      Long appliedLsn,
      Long lag) {
    static ReplicaRow of(String shard, ReplicaStatus r) {
      return new ReplicaRow(
          shard,
          r.pod(),
          r.role() == null ? null : r.role().name(),
          r.ready(),
          r.state() == null ? null : r.state().name(),
          r.appliedLsn(),
          r.lagLsn());
    }
  }

  /**
   * The rows a whole-shard read should return and what it returned: keys missing and keys that
   * should not be there (a deleted probe, a key of another shard).
   */
  record RowDiff(int expected, int read, int missing, int unexpected) {
    static RowDiff of(List<Long> expected, List<Long> read) {
      Set<Long> want = new HashSet<>(expected);
      Set<Long> got = new HashSet<>(read);
      int missing = (int) want.stream().filter(k -> !got.contains(k)).count();
      int unexpected = (int) got.stream().filter(k -> !want.contains(k)).count();
      return new RowDiff(want.size(), read.size(), missing, unexpected);
    }
  }
}
