package io.shardeddb.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The packaged chart's CycloneDX SBOM: the chart (name, version, the archive's SHA-256) as the
 * described component, and the container images an install with its defaults runs: the operator's
 * and those the operator deploys (its {@code SHARDEDDB_*_IMAGE} settings), found by rendering the
 * archive as {@code helm template} does. The chart holds no code of its own (templates and CRDs).
 */
public final class ChartSbom {
  private ChartSbom() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The images the chart's archive runs with its defaults, sorted. */
  public static Set<String> defaultImages(Path chartArchive) throws IOException {
    String rendered =
        new Helm(chartArchive)
            .template()
            .withName("shardeddb")
            .withNamespace("shardeddb-system")
            .withKubeVersion("v1.31.0")
            .call();
    Set<String> images = new TreeSet<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      JsonNode o = YAML.readTree(doc);
      if (o == null) {
        continue;
      }
      for (JsonNode c : o.at("/spec/template/spec/containers")) {
        images.add(c.path("image").asText());
        for (JsonNode e : c.path("env")) {
          if (e.path("name").asText().endsWith("_IMAGE") && e.hasNonNull("value")) {
            images.add(e.path("value").asText());
          }
        }
      }
    }
    return images;
  }

  /** The SBOM text of the chart archive at this version. */
  public static String render(Path chartArchive, String name, String version) throws IOException {
    ObjectNode bom = JSON.createObjectNode();
    bom.put("bomFormat", "CycloneDX").put("specVersion", "1.6").put("version", 1);
    ObjectNode chart = bom.putObject("metadata").putObject("component");
    chart.put("type", "application").put("bom-ref", "chart").put("name", name);
    chart.put("version", version).put("description", "Helm chart (templates and CRDs)");
    chart
        .putArray("hashes")
        .addObject()
        .put("alg", "SHA-256")
        .put("content", Checksums.sha256(chartArchive));
    ArrayNode components = bom.putArray("components");
    ArrayNode dependsOn = JSON.createArrayNode();
    for (String image : defaultImages(chartArchive)) {
      int colon = image.lastIndexOf(':');
      boolean tagged = colon > image.lastIndexOf('/');
      ObjectNode c = components.addObject();
      c.put("type", "container").put("bom-ref", image);
      c.put("name", tagged ? image.substring(0, colon) : image);
      if (tagged) {
        c.put("version", image.substring(colon + 1));
      }
      dependsOn.add(image);
    }
    bom.putArray("dependencies").addObject().put("ref", "chart").set("dependsOn", dependsOn);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bom);
  }
}
