package io.shardeddb.operator.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.shardeddb.api.Labels;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a live object already holds everything the operator wants, so that a reconcile
 * writes only what changed. The API server adds defaults (protocols, probe schemes, termination
 * paths, a claim template's status), drops empty values and the type fields of embedded objects,
 * and may rewrite quantities ("0.5" as "500m"); none of that is a difference worth a write.
 */
public final class DesiredStateMatcher {

  /** Type fields of embedded objects (a StatefulSet's claim templates): the server drops them. */
  private static final Set<String> EMBEDDED_TYPE_FIELDS = Set.of("apiVersion", "kind");

  private DesiredStateMatcher() {}

  /**
   * True when {@code actual} (a whole object as the server returns it) has every label, annotation
   * and spec field of {@code desired} with an equal value; fields only the server set are ignored.
   */
  public static boolean matches(JsonNode desired, JsonNode actual) {
    return contains(desired.path("metadata").path("labels"), actual.path("metadata").path("labels"))
        && contains(
            desired.path("metadata").path("annotations"),
            actual.path("metadata").path("annotations"))
        && contains(desired.path("spec"), actual.path("spec"))
        && sameSettingsDigest(desired, actual);
  }

  /**
   * The digest of the user's settings ({@link Labels#SETTINGS_DIGEST}) is compared both ways:
   * removing the last toleration or annotation leaves the desired object lacking nothing the live
   * one has, and only the digest's disappearance says that it must be written.
   */
  private static boolean sameSettingsDigest(JsonNode desired, JsonNode actual) {
    JsonNode want = desired.path("metadata").path("annotations").path(Labels.SETTINGS_DIGEST);
    JsonNode have = actual.path("metadata").path("annotations").path(Labels.SETTINGS_DIGEST);
    return want.asText("").equals(have.asText(""));
  }

  /**
   * True when every field set in {@code desired} is present in {@code actual} with an equal value.
   */
  static boolean contains(JsonNode desired, JsonNode actual) {
    if (isEmpty(desired)) {
      return true;
    }
    if (actual == null || actual.isMissingNode() || actual.isNull()) {
      return false;
    }
    if (desired.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode live = actual.get(field.getKey());
        boolean absent = live == null || live.isNull();
        if (absent && EMBEDDED_TYPE_FIELDS.contains(field.getKey())) {
          continue;
        }
        if (!contains(field.getValue(), live)) {
          return false;
        }
      }
      return true;
    }
    if (desired.isArray()) {
      if (!actual.isArray() || actual.size() != desired.size()) {
        return false;
      }
      for (int i = 0; i < desired.size(); i++) {
        if (!contains(desired.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    return scalarsEqual(desired, actual);
  }

  private static boolean scalarsEqual(JsonNode desired, JsonNode actual) {
    if (!actual.isValueNode()) {
      return false;
    }
    if (desired.asText().equals(actual.asText())) {
      return true;
    }
    // Quantities come back in the server's canonical form.
    if (desired.isTextual() && actual.isTextual()) {
      try {
        return Quantity.getAmountInBytes(new Quantity(desired.asText()))
                .compareTo(Quantity.getAmountInBytes(new Quantity(actual.asText())))
            == 0;
      } catch (IllegalArgumentException | ArithmeticException notAQuantity) {
        return false;
      }
    }
    return false;
  }

  /** Null, missing, or an empty object, array or string: the server stores nothing for it. */
  private static boolean isEmpty(JsonNode node) {
    return node == null
        || node.isMissingNode()
        || node.isNull()
        || (node.isContainerNode() && node.isEmpty())
        || (node.isTextual() && node.asText().isEmpty());
  }
}
