package io.shardeddb.cli.command;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl-sdb quorum DB}: Cabinet's choice per shard — each replica's weight {@code 1/(ack
 * latency ms + lag + 1)} as its primary measures it, and the best-weighted majority (the quorum
 * {@code writeQuorum: Cabinet} acknowledges with) — from the router's {@code GET /query/status}.
 * {@code -o json|yaml} prints the router's answer per shard ({@code shard}, {@code primary}, {@code
 * best_weighted_majority} and the replicas' {@code name}, {@code ack_latency_ms}, {@code
 * lag_behind_primary}, {@code weight}).
 */
@Command(
    name = "quorum",
    description = {
      "Show Cabinet's weights per replica and each shard's best-weighted majority (as each primary"
          + " measures them).",
      "Exit codes: 0 shown, 1 the router or the cluster failed, 2 usage."
    })
public final class QuorumCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return data.run(
        spec,
        (router, target, out) -> {
          Map<String, Object> status = router.queryStatus();
          if (!DataOptions.printStructured(out, data.output, shards(status))) {
            StringBuilder sb = new StringBuilder();
            StatusCommand.StatusTable.cabinet(
                sb, new StatusCommand.Extras(List.of(), Map.of(), status, null));
            out.print(sb.toString().stripLeading());
          }
          return 0;
        });
  }

  /** The router's shards with only what Cabinet's choice is made of. */
  static List<Map<String, Object>> shards(Map<String, Object> status) {
    Object shards = status.get("shards");
    if (!(shards instanceof List<?> list)) {
      return List.of();
    }
    return list.stream()
        .filter(Map.class::isInstance)
        .map(s -> (Map<?, ?>) s)
        .map(
            s -> {
              Map<String, Object> shard = new java.util.LinkedHashMap<>();
              shard.put("shard", s.get("shard"));
              shard.put("primary", s.get("primary"));
              shard.put("best_weighted_majority", s.get("best_weighted_majority"));
              Object replicas = s.get("replicas");
              shard.put(
                  "replicas",
                  replicas instanceof List<?> rs
                      ? rs.stream()
                          .filter(Map.class::isInstance)
                          .map(r -> (Map<?, ?>) r)
                          .map(QuorumCommand::weightOf)
                          .toList()
                      : List.of());
              return shard;
            })
        .toList();
  }

  private static Map<String, Object> weightOf(Map<?, ?> replica) {
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    for (String field : List.of("name", "ack_latency_ms", "lag_behind_primary", "weight")) {
      if (replica.get(field) != null) {
        r.put(field, replica.get(field));
      }
    }
    return r;
  }
}
