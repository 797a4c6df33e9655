package io.shardeddb.release;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Small image archives laid out as Jib (OCI) and skopeo (docker-archive) write them. */
final class TestImages {
  private TestImages() {}

  /** A Debian base's files: os-release, two installed packages (one removed), a JRE. */
  static Map<String, String> debianBase() {
    Map<String, String> f = new LinkedHashMap<>();
    // As Debian has it: a symlink (read as an empty file if links were not told apart).
    f.put("./etc/os-release", "->../usr/lib/os-release");
    f.put(
        "./usr/lib/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
    f.put(
        "./var/lib/dpkg/status",
        "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9+deb12u13\n"
            + "Description: GNU C Library\n multi-line\n\n"
            + "Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1\n\n"
            + "Package: tzdata\nStatus: install ok installed\nArchitecture: all\nVersion: 2025b-0+deb12u2\n");
    f.put("./opt/java/release", "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"21.0.9\"\n");
    return f;
  }

  /**
   * An OCI image archive named ref: one base layer with these files (history by "umoci"), one
   * application layer by Jib.
   */
  static Path oci(Path file, String ref, Map<String, String> baseFiles) throws IOException {
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    byte[] base = layer(baseFiles);
    byte[] app = layer(Map.of("app/classes/Main.class", "x"));
    String config =
        """
        {"architecture":"amd64","os":"linux","config":{"User":"65532:65532"},
         "history":[{"created_by":"umoci repack"},{"created_by":"umoci config","empty_layer":true},
                    {"author":"Jib","created_by":"jib-maven-plugin:3.4.6","comment":"classes"}],
         "rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}
        """
            .formatted("1".repeat(64), "2".repeat(64));
    String configDigest = put(blobs, config.getBytes(StandardCharsets.UTF_8));
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"digest":"%s"},"layers":[{"digest":"%s"},{"digest":"%s"}]}
        """
            .formatted(configDigest, put(blobs, base), put(blobs, app));
    String manifestDigest = put(blobs, manifest.getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> entries = new LinkedHashMap<>();
    blobs.forEach((d, b) -> entries.put("blobs/" + d.replace(':', '/'), b));
    entries.put(
        "oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    entries.put(
        "index.json",
        ("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"%s\",\"annotations\":"
                + "{\"org.opencontainers.image.ref.name\":\"%s\"}}]}")
            .formatted(manifestDigest, ref)
            .getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      tar(out, entries);
    }
    return file;
  }

  /** A docker-archive (skopeo's layout) whose config file is CONFIG_HEX.json. */
  static Path dockerArchive(Path file, String configHex) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(
        "manifest.json",
        ("[{\"Config\":\"" + configHex + ".json\",\"RepoTags\":[\"x/base:1\"],\"Layers\":[]}]")
            .getBytes(StandardCharsets.UTF_8));
    entries.put(configHex + ".json", "{}".getBytes(StandardCharsets.UTF_8));
    try (OutputStream out = Files.newOutputStream(file)) {
      tar(out, entries);
    }
    return file;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String put(Map<String, byte[]> blobs, byte[] b) {
    String d = "sha256:" + sha256(b);
    blobs.put(d, b);
    return d;
  }

  static byte[] layer(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(bytes)) {
      Map<String, byte[]> entries = new LinkedHashMap<>();
      files.forEach((k, v) -> entries.put(k, v.getBytes(StandardCharsets.UTF_8)));
      tar(gz, entries);
    }
    return bytes.toByteArray();
  }

  private static void tar(OutputStream out, Map<String, byte[]> entries) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      String text = new String(e.getValue(), StandardCharsets.UTF_8);
      if (text.startsWith("->")) {
        TarArchiveEntry link = new TarArchiveEntry(e.getKey(), TarArchiveEntry.LF_SYMLINK);
        link.setLinkName(text.substring(2));
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
        continue;
      }
      TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
      entry.setSize(e.getValue().length);
      tar.putArchiveEntry(entry);
      tar.write(e.getValue());
      tar.closeArchiveEntry();
    }
    tar.finish();
  }
}
