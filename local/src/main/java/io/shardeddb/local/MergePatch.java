package io.shardeddb.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A JSON merge patch (RFC 7386, what {@code kubectl patch --type merge} and fabric8's {@code
 * JSON_MERGE} send) as the equivalent JSON patch (RFC 6902) against a given object. Local mode's
 * CRUD store applies merge patches by appending to lists, where a real API server replaces them
 * (editing {@code spec.shards} that way duplicated every shard id); its JSON patches are right, so
 * merge patches are rewritten into them. Pure.
 */
final class MergePatch {
  private MergePatch() {}

  /** The JSON patch operations that turn {@code target} into {@code target} merged with patch. */
  static ArrayNode toJsonPatch(JsonNode target, JsonNode patch) {
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    if (!patch.isObject()) {
      // A non-object patch replaces the whole document.
      ops.addObject().put("op", "replace").put("path", "").set("value", patch);
      return ops;
    }
    diff(target, (ObjectNode) patch, "", ops);
    return ops;
  }

  private static void diff(JsonNode target, ObjectNode patch, String path, ArrayNode ops) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String at = path + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
      JsonNode current = target == null ? null : target.get(f.getKey());
      JsonNode value = f.getValue();
      if (value.isNull()) {
        if (current != null) {
          ops.addObject().put("op", "remove").put("path", at);
        }
      } else if (value.isObject() && current != null && current.isObject()) {
        diff(current, (ObjectNode) value, at, ops);
      } else {
        // "add" sets a member whether or not it exists; lists and scalars are replaced whole.
        ops.addObject().put("op", "add").put("path", at).set("value", withoutNulls(value));
      }
    }
  }

  /** A new member's value as a merge patch would create it: members set to null are left out. */
  private static JsonNode withoutNulls(JsonNode value) {
    if (!value.isObject()) {
      return value;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    value
        .fields()
        .forEachRemaining(
            f -> {
              if (!f.getValue().isNull()) {
                out.set(f.getKey(), withoutNulls(f.getValue()));
              }
            });
    return out;
  }
}
