package io.shardeddb.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decides, from a status the operator wrote and the copy the API server answered with, whether the
 * server's ShardedDatabase CRD is older than the operator: a structural CRD prunes every field its
 * schema lacks, silently, so the only sign is a field that was sent and did not come back.
 */
public final class CrdFreshness {

  /** The CRD the operator needs (name as in {@code kubectl get crd}). */
  public static final String CRD = "shardeddatabases.shardeddb.io";

  /** The fix, as a user types it (docs/install.md, "Upgrading"). */
  public static final String APPLY =
      "kubectl apply --server-side -f crds/shardeddatabases.shardeddb.io-v1.yml"
          + " (Kubernetes 1.20-1.24: kubectl replace -f"
          + " crds/without-cel/shardeddatabases.shardeddb.io-v1.yml)";

  /** The server's CRD dropped {@code fields} (paths such as {@code status.resharding}). */
  public record Outdated(List<String> fields) {
    public Outdated {
      fields = List.copyOf(fields);
    }

    /** What the condition and the Event say: which CRD, what it lost, what it stops, the fix. */
    public String message() {
      return "the API server's "
          + CRD
          + " CRD is older than this operator: it dropped "
          + String.join(", ", fields)
          + " from the status the operator wrote, so resharding moves cannot be recorded and"
          + " none is started or continued; apply the operator's CRD: "
          + APPLY;
    }
  }

  private CrdFreshness() {}

  /**
   * The outcome of one status write: {@code written} is the status sent, {@code stored} the status
   * the server answered with (both as JSON trees). Empty when everything sent was stored.
   */
  public static Optional<Outdated> check(JsonNode written, JsonNode stored) {
    List<String> pruned = pruned(written, stored, "status");
    return pruned.isEmpty() ? Optional.empty() : Optional.of(new Outdated(pruned));
  }

  /**
   * The object keys present (non-null) in {@code written} but absent or null in {@code stored},
   * under {@code path}; array elements are compared by position and named {@code path[]}. Values
   * that differ are no sign of pruning (the server may have been written to meanwhile), so only
   * missing keys count.
   */
  static List<String> pruned(JsonNode written, JsonNode stored, String path) {
    TreeSet<String> out = new TreeSet<>();
    collect(written, stored, path, out);
    return new ArrayList<>(out);
  }

  private static void collect(JsonNode written, JsonNode stored, String path, TreeSet<String> out) {
    if (written == null || written.isNull() || written.isMissingNode()) {
      return;
    }
    if (stored == null || stored.isNull() || stored.isMissingNode()) {
      out.add(path);
      return;
    }
    if (written.isObject() && stored.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = written.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        collect(field.getValue(), stored.get(field.getKey()), path + "." + field.getKey(), out);
      }
    } else if (written.isArray() && stored.isArray()) {
      for (int i = 0; i < Math.min(written.size(), stored.size()); i++) {
        collect(written.get(i), stored.get(i), path + "[]", out);
      }
    }
  }
}
