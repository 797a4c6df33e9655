package io.shardeddb.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One image of an OCI image archive (an OCI image layout in a tar: {@code oci-layout}, {@code
 * index.json}, {@code blobs/sha256/...}), as Jib's {@code buildTar} writes it with format OCI.
 *
 * @param refName the index's {@code org.opencontainers.image.ref.name}, e.g. shardeddb/router:0.2.0
 * @param manifestDigest the image manifest's digest, {@code sha256:...}: the image's identity
 * @param config the image configuration (user, entrypoint, history, rootfs.diff_ids)
 * @param layers the layers' blob digests, oldest first
 * @param diffIds the layers' uncompressed digests, oldest first
 */
public record OciImage(
    String refName,
    String manifestDigest,
    JsonNode config,
    List<String> layers,
    List<String> diffIds) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the archive's only image; refuses anything that is not an OCI archive of one image. */
  public static OciImage read(Path archive) throws IOException {
    Map<String, byte[]> small = TarEntries.small(archive);
    if (!small.containsKey("oci-layout") || !small.containsKey("index.json")) {
      throw new IllegalArgumentException(archive + " is not an OCI image archive (no oci-layout)");
    }
    JsonNode manifests = JSON.readTree(small.get("index.json")).path("manifests");
    if (manifests.size() != 1) {
      throw new IllegalArgumentException(archive + " holds " + manifests.size() + " images, not 1");
    }
    String digest = manifests.get(0).path("digest").asText();
    String ref =
        manifests.get(0).path("annotations").path("org.opencontainers.image.ref.name").asText("");
    JsonNode manifest = JSON.readTree(blob(small, archive, digest));
    JsonNode config = JSON.readTree(blob(small, archive, manifest.at("/config/digest").asText()));
    List<String> layers = new ArrayList<>();
    manifest.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
    List<String> diffIds = new ArrayList<>();
    config.at("/rootfs/diff_ids").forEach(d -> diffIds.add(d.asText()));
    return new OciImage(ref, digest, config, List.copyOf(layers), List.copyOf(diffIds));
  }

  /**
   * How many of the layers (the first ones) come from the base image: the layers whose history
   * entry Jib did not write ({@code author} "Jib"), empty-layer entries not counted.
   */
  public int baseLayerCount() {
    int n = 0;
    for (JsonNode h : config.path("history")) {
      if (h.path("empty_layer").asBoolean(false)) {
        continue;
      }
      if ("Jib".equals(h.path("author").asText())) {
        break;
      }
      n++;
    }
    return n;
  }

  /** What {@link #forEachFile} hands over: a file's path in the image and its content. */
  public interface FileVisitor {
    void visit(String path, InputStream content) throws IOException;
  }

  /**
   * Every regular file of these layers (gzip'ed tars, oldest first) whose path (without a leading
   * "./" or "/") is wanted, with its content.
   */
  public static void forEachFile(
      Path archive,
      List<String> layerDigests,
      java.util.function.Predicate<String> wanted,
      FileVisitor visitor)
      throws IOException {
    for (String digest : layerDigests) {
      try (TarArchiveInputStream outer = TarEntries.open(archive)) {
        String name = blobPath(digest);
        for (TarArchiveEntry e; (e = outer.getNextEntry()) != null; ) {
          if (!e.getName().equals(name)) {
            continue;
          }
          TarArchiveInputStream layer =
              new TarArchiveInputStream(new GzipCompressorInputStream(outer));
          for (TarArchiveEntry f; (f = layer.getNextEntry()) != null; ) {
            String path = f.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
            // Links are not their target's content (Debian's etc/os-release is a symlink).
            if (f.isFile() && !f.isSymbolicLink() && !f.isLink() && wanted.test(path)) {
              visitor.visit(path, layer);
            }
          }
          break;
        }
      }
    }
  }

  private static String blobPath(String digest) {
    return "blobs/" + digest.replace(':', '/');
  }

  private static byte[] blob(Map<String, byte[]> small, Path archive, String digest) {
    byte[] b = small.get(blobPath(digest));
    if (b == null) {
      throw new IllegalArgumentException(archive + " has no blob " + digest);
    }
    return b;
  }
}
