package io.shardeddb.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an image's base layers hold, as an SBOM names it: the operating system ({@code
 * etc/os-release}), its installed Debian packages ({@code var/lib/dpkg/status}) and the Java
 * runtime (a JDK's {@code release} file), read from the layers themselves, so it holds for any base
 * (the local Debian base, eclipse-temurin, ...). A later layer's file replaces an earlier one's.
 *
 * @param osRelease os-release's fields (ID, VERSION_ID, PRETTY_NAME ...); empty when none
 * @param packages the installed Debian packages; empty without dpkg
 * @param javaRelease the Java runtime's release fields (JAVA_VERSION, IMPLEMENTOR ...); empty when
 *     none
 * @param javaHome where that runtime is, e.g. opt/java; null when none
 */
public record BaseContents(
    Map<String, String> osRelease,
    List<DebPackage> packages,
    Map<String, String> javaRelease,
    String javaHome) {

  /** One installed Debian package. */
  public record DebPackage(String name, String version, String architecture) {}

  /** Reads the base layers of this image from its archive. */
  public static BaseContents scan(Path archive, OciImage image) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    OciImage.forEachFile(
        archive,
        image.layers().subList(0, image.baseLayerCount()),
        BaseContents::wanted,
        (path, in) -> files.put(path, read(path, in)));
    Map<String, String> os = new LinkedHashMap<>();
    String osText = files.getOrDefault("etc/os-release", files.get("usr/lib/os-release"));
    if (osText != null) {
      os = keyValues(osText);
    }
    List<DebPackage> packages =
        files.containsKey("var/lib/dpkg/status")
            ? dpkgStatus(files.get("var/lib/dpkg/status"))
            : List.of();
    Map<String, String> java = Map.of();
    String home = null;
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (f.getKey().endsWith("/release") && f.getValue().contains("JAVA_VERSION=")) {
        java = keyValues(f.getValue());
        home = f.getKey().substring(0, f.getKey().length() - "/release".length());
      }
    }
    return new BaseContents(Map.copyOf(os), packages, java, home);
  }

  private static boolean wanted(String path) {
    return path.equals("etc/os-release")
        || path.equals("usr/lib/os-release")
        || path.equals("var/lib/dpkg/status")
        || (path.endsWith("/release") && !path.startsWith("proc/") && path.split("/").length <= 5);
  }

  private static String read(String path, InputStream in) throws IOException {
    // A JDK's release file is small; anything large named "release" is not one.
    byte[] b = path.endsWith("/release") ? in.readNBytes(64 * 1024) : in.readAllBytes();
    return new String(b, StandardCharsets.UTF_8);
  }

  /** KEY=VALUE lines (os-release, a JDK's release), quotes removed. */
  static Map<String, String> keyValues(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        out.put(
            line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
      }
    }
    return out;
  }

  /** The installed packages of a dpkg status file (stanzas with Status "install ok installed"). */
  static List<DebPackage> dpkgStatus(String text) {
    List<DebPackage> out = new ArrayList<>();
    for (String stanza : text.split("\n\n")) {
      Map<String, String> f = new LinkedHashMap<>();
      for (String line : stanza.split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith(" ")) {
          f.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
      if (f.containsKey("Package") && f.getOrDefault("Status", "").endsWith(" installed")) {
        out.add(new DebPackage(f.get("Package"), f.get("Version"), f.get("Architecture")));
      }
    }
    return List.copyOf(out);
  }
}
