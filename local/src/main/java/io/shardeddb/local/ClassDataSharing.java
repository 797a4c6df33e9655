package io.shardeddb.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The class-data-sharing rules for local pod JVMs, as pure functions: whether it is on, how an
 * archive is named (by the jar's content and time and the JVM's version, so a rebuilt jar or
 * another JDK never meets a stale archive), which flags a launch gets, and when a half-finished
 * training is abandoned. {@link PodLauncher} does the file and process work.
 *
 * <p>Why a static archive built from a class list, not {@code -XX:+AutoCreateSharedArchive}: the
 * JVM writes that archive when it exits normally, but local pods are ended with SIGKILL (so no
 * archive would ever be written), and a dozen pods exiting together would all write the same file.
 * A class list is written while the pod runs, line by line, and the archive is then dumped once, by
 * a separate short JVM, and moved into place atomically.
 */
final class ClassDataSharing {
  /** The environment variable (of the {@code local up} JVM) that turns sharing off. */
  static final String SETTING = "SHARDEDDB_LOCAL_CDS";

  /** A training older than this lost its trainer (the CLI died): a later launch may retry. */
  static final Duration ABANDONED_AFTER = Duration.ofMinutes(15);

  /** What one pod launch does about the archive. */
  enum Mode {
    /** Sharing is off: no flags at all. */
    OFF,
    /** The archive exists: map it ({@code -Xshare:auto}: a rejected archive is just not used). */
    USE,
    /** No archive yet and this launch won the claim: record the classes it loads. */
    TRAIN,
    /** No archive yet and another launch is training: run as without sharing. */
    WAIT
  }

  private ClassDataSharing() {}

  /** On unless the setting says false/0/off/no (unset or anything else: on). */
  static boolean enabled(String setting) {
    if (setting == null) {
      return true;
    }
    return !List.of("false", "0", "off", "no").contains(setting.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * {@code <jar name without .jar>-<first 16 hex digits of the jar's SHA-256>-<jar mtime, ms, in
   * hex>-jdk<vm version>.jsa}. The modification time is part of the key because the JVM rejects an
   * archive whose jar has another time even with the same bytes (a rebuild that reproduced them):
   * that archive would never be used, nor replaced. The VM version is reduced to characters safe in
   * a file name.
   */
  static String archiveName(
      String jarFileName, String jarSha256Hex, long jarModifiedMillis, String vmVersion) {
    return jarBase(jarFileName)
        + "-"
        + jarSha256Hex.substring(0, Math.min(16, jarSha256Hex.length()))
        + "-"
        + Long.toHexString(jarModifiedMillis)
        + "-jdk"
        + vmVersion.replaceAll("[^A-Za-z0-9.]", "_")
        + ".jsa";
  }

  /** The name's prefix shared by every archive of this jar, whatever its content. */
  static String jarBase(String jarFileName) {
    return jarFileName.endsWith(".jar")
        ? jarFileName.substring(0, jarFileName.length() - ".jar".length())
        : jarFileName;
  }

  /**
   * True for another archive (or a leftover of its training) of the same jar: a jar in a build
   * directory is only ever the newest build, so archives of its earlier contents are garbage.
   */
  static boolean staleSibling(String fileName, String jarFileName, String currentArchive) {
    return fileName.startsWith(jarBase(jarFileName) + "-")
        && !fileName.startsWith(currentArchive)
        && (fileName.endsWith(".jsa")
            || fileName.endsWith(".classlist")
            || fileName.endsWith(".training")
            || fileName.contains(".jsa.tmp"));
  }

  /** The mode of one launch. */
  static Mode mode(boolean enabled, boolean archiveExists, boolean claimed) {
    if (!enabled) {
      return Mode.OFF;
    }
    if (archiveExists) {
      return Mode.USE;
    }
    return claimed ? Mode.TRAIN : Mode.WAIT;
  }

  /** Whether a training claim of this age belongs to a trainer that is gone. */
  static boolean abandoned(Duration claimAge) {
    return claimAge.compareTo(ABANDONED_AFTER) > 0;
  }

  /** The pod JVM's extra flags for {@code mode}. */
  static List<String> podFlags(Mode mode, Path archive, Path classList) {
    return switch (mode) {
      case OFF, WAIT -> List.of();
      case USE -> List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
      case TRAIN -> List.of("-XX:DumpLoadedClassList=" + classList);
    };
  }

  /**
   * The command that dumps the archive from a class list, in its own JVM with the pods' options
   * (heap size and GC shape what the archive holds) and the same class path ({@code -cp jar}, as
   * {@code -jar jar} gives the pods).
   */
  static List<String> dumpCommand(
      Path javaBin, List<String> podJvmOptions, Path jar, Path classList, Path target) {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(javaBin.toString());
    cmd.addAll(podJvmOptions);
    cmd.add("-Xshare:dump");
    cmd.add("-XX:SharedClassListFile=" + classList);
    cmd.add("-XX:SharedArchiveFile=" + target);
    cmd.add("-cp");
    cmd.add(jar.toString());
    return List.copyOf(cmd);
  }
}
