package io.shardeddb.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An image's CycloneDX SBOM: the image itself (name, tag, manifest digest) as the described
 * component, depending on the module's application (its Maven SBOM: the jars in /app) and on its
 * base image, named with its digest where one is known, and the base layers' contents: the
 * operating system, its Debian packages and the Java runtime ({@link BaseContents}).
 */
public final class ImageSbom {
  private ImageSbom() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String IMAGE_REF = "image";
  static final String BASE_REF = "base-image";

  /**
   * The SBOM text.
   *
   * @param moduleSbom the module's SBOM, already narrowed to the image ({@link SbomFilter})
   * @param image the built image
   * @param base what its base layers hold
   * @param baseRef the base as the build named it ({@code images.base})
   * @param baseDigest the base's digest ({@link #baseDigest}); null when unknown
   */
  public static String render(
      String moduleSbom, OciImage image, BaseContents base, String baseRef, String baseDigest) {
    try {
      ObjectNode bom = (ObjectNode) JSON.readTree(moduleSbom);
      ObjectNode app = (ObjectNode) bom.at("/metadata/component");
      ArrayNode components = bom.withArray("components");
      ArrayNode deps = bom.withArray("dependencies");
      components.insert(0, app);
      ((ObjectNode) bom.get("metadata")).set("component", imageComponent(image));
      components.add(baseComponent(image, baseRef, baseDigest));
      ArrayNode baseDeps = JSON.createArrayNode();
      addBaseContents(components, baseDeps, base);
      deps.insert(
          0,
          dependency(IMAGE_REF)
              .set(
                  "dependsOn",
                  JSON.createArrayNode().add(app.path("bom-ref").asText()).add(BASE_REF)));
      deps.insert(1, dependency(BASE_REF).set("dependsOn", baseDeps));
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bom);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a CycloneDX JSON SBOM: " + e.getMessage(), e);
    }
  }

  private static ObjectNode imageComponent(OciImage image) {
    String ref = image.refName();
    int colon = ref.lastIndexOf(':');
    String repository = colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
    String tag = colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "";
    ObjectNode c = component("container", IMAGE_REF, repository, tag);
    c.put(
        "purl",
        "pkg:oci/"
            + repository.substring(repository.lastIndexOf('/') + 1)
            + "@"
            + enc(image.manifestDigest())
            + "?repository_url="
            + enc(repository)
            + "&tag="
            + enc(tag));
    c.set("hashes", sha256(image.manifestDigest()));
    return c;
  }

  private static ObjectNode baseComponent(OciImage image, String baseRef, String baseDigest) {
    ObjectNode c = component("container", BASE_REF, baseRef, baseDigest == null ? "" : baseDigest);
    if (baseDigest != null && baseDigest.startsWith("sha256:")) {
      c.set("hashes", sha256(baseDigest));
    }
    ArrayNode props = c.putArray("properties");
    // The base layers' content digests: they identify the base even where no digest is known.
    for (String diffId : image.diffIds().subList(0, image.baseLayerCount())) {
      props.addObject().put("name", "shardeddb:base-layer-diff-id").put("value", diffId);
    }
    return c;
  }

  private static void addBaseContents(ArrayNode components, ArrayNode baseDeps, BaseContents base) {
    String distro = base.osRelease().getOrDefault("ID", "");
    String distroVersion = base.osRelease().getOrDefault("VERSION_ID", "");
    if (!distro.isEmpty()) {
      ObjectNode os = component("operating-system", "os:" + distro, distro, distroVersion);
      os.put("description", base.osRelease().getOrDefault("PRETTY_NAME", distro));
      components.add(os);
      baseDeps.add("os:" + distro);
    }
    if (!base.javaRelease().isEmpty()) {
      String v = base.javaRelease().getOrDefault("JAVA_VERSION", "");
      ObjectNode jre =
          component("platform", "java-runtime", "java-runtime", v)
              .put("description", "Java runtime in /" + base.javaHome());
      String vendor = base.javaRelease().get("IMPLEMENTOR");
      if (vendor != null) {
        jre.putObject("supplier").put("name", vendor);
      }
      components.add(jre);
      baseDeps.add("java-runtime");
    }
    for (BaseContents.DebPackage p : base.packages()) {
      String purl =
          "pkg:deb/"
              + (distro.isEmpty() ? "debian" : distro)
              + "/"
              + p.name()
              + "@"
              + enc(p.version())
              + "?arch="
              + p.architecture()
              + (distroVersion.isEmpty() ? "" : "&distro=" + distro + "-" + distroVersion);
      components.add(component("library", purl, p.name(), p.version()).put("purl", purl));
      baseDeps.add(purl);
    }
  }

  /**
   * The digest of the base image {@code images.base} names: its own digest when it has one ({@code
   * name@sha256:...}), for a local base tarball ({@code tar://path}) its manifest digest (an OCI
   * archive) or image ID (a docker-archive, which keeps no manifest); null for a tag alone (pin the
   * base by digest for one: docs/install.md, "Releasing").
   */
  public static String baseDigest(String imagesBase) throws IOException {
    int at = imagesBase.indexOf("@sha256:");
    if (at >= 0) {
      return imagesBase.substring(at + 1);
    }
    if (!imagesBase.startsWith("tar://")) {
      return null;
    }
    Path tar = Path.of(imagesBase.substring("tar://".length()));
    if (!Files.isRegularFile(tar)) {
      return null;
    }
    Map<String, byte[]> small = TarEntries.small(tar);
    if (small.containsKey("oci-layout")) {
      return JSON.readTree(small.get("index.json")).at("/manifests/0/digest").asText();
    }
    JsonNode manifest = JSON.readTree(small.get("manifest.json"));
    String config = manifest.at("/0/Config").asText();
    return "sha256:" + config.replaceFirst("^blobs/sha256/", "").replaceFirst("\\.json$", "");
  }

  private static ObjectNode component(String type, String bomRef, String name, String version) {
    ObjectNode c = JSON.createObjectNode();
    c.put("type", type).put("bom-ref", bomRef).put("name", name);
    if (!version.isEmpty()) {
      c.put("version", version);
    }
    return c;
  }

  private static ObjectNode dependency(String ref) {
    return JSON.createObjectNode().put("ref", ref);
  }

  private static ArrayNode sha256(String digest) {
    ArrayNode a = JSON.createArrayNode();
    a.addObject().put("alg", "SHA-256").put("content", digest.substring("sha256:".length()));
    return a;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
