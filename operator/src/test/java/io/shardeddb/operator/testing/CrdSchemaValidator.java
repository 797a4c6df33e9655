package io.shardeddb.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a document against a CRD's structural OpenAPI schema the way the API server does for the
 * parts tests rely on: types, unknown fields, required fields, enums, bounds, sizes and patterns.
 * (CEL rules are mirrored by the operator's SpecValidator and tested there.)
 */
public final class CrdSchemaValidator {

  private final JSONSchemaProps root;

  /** Validates against the first version's schema of {@code crd}. */
  public CrdSchemaValidator(CustomResourceDefinition crd) {
    this.root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  /** Every violation in {@code document}'s spec, as "path: problem". */
  public List<String> violations(JsonNode document) {
    List<String> out = new ArrayList<>();
    JsonNode spec = document.get("spec");
    if (spec != null) {
      check(root.getProperties().get("spec"), spec, "spec", out);
    }
    return out;
  }

  private void check(JSONSchemaProps schema, JsonNode node, String path, List<String> out) {
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (!node.isTextual() && !node.isIntegralNumber()) {
        out.add(path + ": must be an integer or a string");
      }
      return;
    }
    String type = schema.getType();
    if (type != null && !matchesType(type, node)) {
      out.add(path + ": must be " + type + " but is " + node.getNodeType());
      return;
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      boolean listed =
          schema.getEnum().stream().anyMatch(e -> e.toString().equals(node.toString()));
      if (!listed) {
        out.add(path + ": " + node + " is not one of " + schema.getEnum());
      }
    }
    if (node.isNumber()) {
      if (schema.getMinimum() != null && node.asDouble() < schema.getMinimum()) {
        out.add(path + ": below minimum " + schema.getMinimum());
      }
      if (schema.getMaximum() != null && node.asDouble() > schema.getMaximum()) {
        out.add(path + ": above maximum " + schema.getMaximum());
      }
    }
    if (node.isTextual()) {
      if (schema.getPattern() != null && !node.asText().matches(schema.getPattern())) {
        out.add(path + ": '" + node.asText() + "' does not match " + schema.getPattern());
      }
      if (schema.getMaxLength() != null && node.asText().length() > schema.getMaxLength()) {
        out.add(path + ": longer than " + schema.getMaxLength());
      }
    }
    if (node.isArray()) {
      if (schema.getMinItems() != null && node.size() < schema.getMinItems()) {
        out.add(path + ": fewer than " + schema.getMinItems() + " items");
      }
      if (schema.getMaxItems() != null && node.size() > schema.getMaxItems()) {
        out.add(path + ": more than " + schema.getMaxItems() + " items");
      }
      for (int i = 0; i < node.size(); i++) {
        check(schema.getItems().getSchema(), node.get(i), path + "[" + i + "]", out);
      }
    }
    if (node.isObject()) {
      if (schema.getRequired() != null) {
        for (String required : schema.getRequired()) {
          if (!node.has(required)) {
            out.add(path + "." + required + ": required");
          }
        }
      }
      Map<String, JSONSchemaProps> props = schema.getProperties();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String child = path + "." + field.getKey();
        if (props != null && props.containsKey(field.getKey())) {
          check(props.get(field.getKey()), field.getValue(), child, out);
        } else if (schema.getAdditionalProperties() != null
            && schema.getAdditionalProperties().getSchema() != null) {
          check(schema.getAdditionalProperties().getSchema(), field.getValue(), child, out);
        } else if (!Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
          out.add(child + ": unknown field");
        }
      }
    }
  }

  private static boolean matchesType(String type, JsonNode node) {
    return switch (type) {
      case "object" -> node.isObject();
      case "array" -> node.isArray();
      case "string" -> node.isTextual();
      case "integer" -> node.isIntegralNumber();
      case "number" -> node.isNumber();
      case "boolean" -> node.isBoolean();
      default -> true;
    };
  }
}
