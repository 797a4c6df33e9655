package io.shardeddb.operator.reconciler;

import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RequestStatus.Outcome;
import io.shardeddb.api.v1alpha1.RequestStatus.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure: the one-shot requests a user makes by annotating a ShardedDatabase ({@code kubectl-sdb
 * promote} and {@code rebuild} write them), routed to the shard they concern, and their outcomes
 * merged into the status. Annotations rather than spec fields: a request is an action to take once,
 * not a state to keep (a spec field "primary: X" would have to be enforced again after every
 * failover, and would bump the generation); the operator removes the annotation once it recorded
 * the outcome.
 */
public final class AnnotationRequests {

  /** {@code <shard>=<pod>}: switch the shard's primary over to that replica. */
  public static final String PROMOTE = Type.Promote.annotation();

  /** {@code <pod>}: re-copy that replica from its shard's primary. */
  public static final String REBUILD = Type.Rebuild.annotation();

  private AnnotationRequests() {}

  /**
   * Pending requests by shard, and the outcomes of requests refused before reaching any shard.
   *
   * @param promoteByShard the pod to promote, by shard id
   * @param rebuildByShard the pod to rebuild, by shard id
   * @param refused requests naming no shard or pod of this database, or malformed
   */
  public record Routed(
      Map<String, String> promoteByShard,
      Map<String, String> rebuildByShard,
      List<RequestStatus> refused) {}

  /** Routes the requests in {@code annotations} to the shards in {@code podsByShard}. */
  public static Routed route(
      Map<String, String> annotations,
      Collection<String> shardIds,
      Map<String, List<String>> podsByShard,
      Instant now) {
    Map<String, String> promote = new LinkedHashMap<>();
    Map<String, String> rebuild = new LinkedHashMap<>();
    List<RequestStatus> refused = new ArrayList<>();
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    String p = a.get(PROMOTE);
    if (p != null) {
      String value = p.trim();
      int eq = value.indexOf('=');
      String shard = eq < 0 ? "" : value.substring(0, eq).trim();
      String pod = eq < 0 ? "" : value.substring(eq + 1).trim();
      if (shard.isEmpty() || pod.isEmpty() || pod.contains("=")) {
        refused.add(
            refusal(
                Type.Promote,
                p,
                "annotation " + PROMOTE + " must be <shard>=<pod>, got '" + p + "'",
                now));
      } else if (!shardIds.contains(shard)) {
        refused.add(
            refusal(
                Type.Promote,
                p,
                "no shard '"
                    + shard
                    + "' in the spec (shards: "
                    + String.join(", ", shardIds)
                    + ")",
                now));
      } else {
        promote.put(shard, pod);
      }
    }
    String r = a.get(REBUILD);
    if (r != null) {
      String pod = r.trim();
      String shard =
          podsByShard.entrySet().stream()
              .filter(e -> shardIds.contains(e.getKey()) && e.getValue().contains(pod))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(null);
      if (shard == null) {
        refused.add(
            refusal(
                Type.Rebuild,
                r,
                "no pod '" + pod + "' among the shard replicas of this database",
                now));
      } else {
        rebuild.put(shard, pod);
      }
    }
    return new Routed(promote, rebuild, refused);
  }

  /**
   * The status's request records after a pass: the outcomes produced in it replace the previous
   * ones of their type; a rebuild still in progress succeeds once its replica's copy was verified.
   */
  public static List<RequestStatus> merge(
      List<RequestStatus> previous,
      List<RequestStatus> produced,
      Set<String> verifiedCopies,
      Instant now) {
    Map<Type, RequestStatus> byType = new EnumMap<>(Type.class);
    previous.forEach(r -> byType.put(r.type(), r));
    RequestStatus rebuild = byType.get(Type.Rebuild);
    if (rebuild != null
        && rebuild.outcome() == Outcome.InProgress
        && verifiedCopies.contains(rebuild.request().trim())) {
      byType.put(
          Type.Rebuild,
          rebuild.with(
              Outcome.Succeeded,
              rebuild.request().trim() + " was re-copied and its checksum matches the primary's",
              now.toString()));
    }
    produced.forEach(r -> byType.put(r.type(), r));
    return byType.isEmpty() ? null : List.copyOf(byType.values());
  }

  private static RequestStatus refusal(Type type, String value, String why, Instant now) {
    return new RequestStatus(type, value, Outcome.Refused, why, now.toString());
  }
}
