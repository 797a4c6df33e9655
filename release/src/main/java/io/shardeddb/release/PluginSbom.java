package io.shardeddb.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The plugin archive's CycloneDX SBOM: the CLI's (its jars, from the Maven SBOM) plus the Java
 * runtime the archive carries ({@code runtime/}, made by jlink), named by its {@code release} file:
 * version, vendor and the modules it holds.
 */
public final class PluginSbom {
  private PluginSbom() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The SBOM text: cliSbom (already narrowed, {@link SbomFilter}) with the archive's runtime. */
  public static String render(String cliSbom, Path archive) throws IOException {
    Map<String, String> release = runtimeRelease(archive);
    if (release.isEmpty()) {
      throw new IllegalStateException(archive + " has no runtime/release: not a plugin archive");
    }
    ObjectNode bom = (ObjectNode) JSON.readTree(cliSbom);
    ObjectNode jre = bom.withArray("components").addObject();
    jre.put("type", "platform").put("bom-ref", "java-runtime").put("name", "java-runtime");
    jre.put("version", release.getOrDefault("JAVA_VERSION", ""));
    jre.put(
        "description",
        "jlink runtime in runtime/, modules: " + release.getOrDefault("MODULES", ""));
    if (release.containsKey("IMPLEMENTOR")) {
      jre.putObject("supplier").put("name", release.get("IMPLEMENTOR"));
    }
    String app = bom.at("/metadata/component/bom-ref").asText();
    for (JsonNode d : bom.withArray("dependencies")) {
      if (d.path("ref").asText().equals(app)) {
        ((ObjectNode) d).withArray("dependsOn").add("java-runtime");
      }
    }
    ArrayNode deps = bom.withArray("dependencies");
    deps.addObject().put("ref", "java-runtime").putArray("dependsOn");
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bom);
  }

  /** The fields of the archive's {@code <top>/runtime/release}; empty when it has none. */
  static Map<String, String> runtimeRelease(Path archive) throws IOException {
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(
            new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(archive))))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile() && e.getName().matches("(\\./)?[^/]+/runtime/release")) {
          return BaseContents.keyValues(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return Map.of();
  }
}
