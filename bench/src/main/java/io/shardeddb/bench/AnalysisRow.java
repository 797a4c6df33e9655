package io.shardeddb.bench;

/**
 * One configuration of the assignment's analysis as measured: the COLD run (the first on a fresh
 * deployment), the WARM runs' medians, the failure check. A phase or check that did not happen is
 * null, and {@code problem} says why.
 *
 * @param database the ShardedDatabase's name
 * @param pods pods the running configuration had, shard-servers and the router (0: it never came
 *     up)
 * @param initReply the router's answer to {@code POST /init}
 * @param failure the A-4 failure check, null when not run
 * @param problem why the configuration has no (complete) result, else null
 */
record AnalysisRow(
    AssignmentLayout layout,
    String database,
    int pods,
    String initReply,
    PhaseResult coldWrite,
    PhaseResult coldRead,
    PhaseResult warmWrite,
    PhaseResult warmRead,
    FailureOutcome.Result failure,
    String problem) {

  /** A configuration that never ran its phases: {@code problem} says why. */
  static AnalysisRow failed(AssignmentLayout layout, String database, String problem) {
    return new AnalysisRow(layout, database, 0, null, null, null, null, null, null, problem);
  }

  AnalysisRow withFailure(FailureOutcome.Result check) {
    return new AnalysisRow(
        layout, database, pods, initReply, coldWrite, coldRead, warmWrite, warmRead, check,
        problem);
  }

  AnalysisRow withProblem(String why) {
    return new AnalysisRow(
        layout, database, pods, initReply, coldWrite, coldRead, warmWrite, warmRead, failure, why);
  }

  /** Every phase measured with no failed request, and the failure check (if run) passed. */
  boolean valid() {
    return problem == null
        && ok(coldWrite)
        && ok(coldRead)
        && ok(warmWrite)
        && ok(warmRead)
        && (failure == null || failure.passed());
  }

  private static boolean ok(PhaseResult r) {
    return r != null && r.valid();
  }
}
