package io.shardeddb.operator.testing;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the repository's examples/*.yaml, the same files users apply. */
public final class Fixtures {

  private Fixtures() {}

  /** The repository root (set by Surefire; the module's parent otherwise). */
  public static Path repoRoot() {
    String root = System.getProperty("shardeddb.repo.root");
    return root != null ? Path.of(root).normalize() : Path.of("..").toAbsolutePath().normalize();
  }

  /** examples/&lt;name&gt;. */
  public static Path example(String name) {
    return repoRoot().resolve("examples").resolve(name);
  }

  /** An example parsed into the CR class, in {@code namespace}. */
  public static ShardedDatabase load(String name, String namespace) {
    try (InputStream in = Files.newInputStream(example(name))) {
      ShardedDatabase sdb = Serialization.unmarshal(in, ShardedDatabase.class);
      sdb.getMetadata().setNamespace(namespace);
      return sdb;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generated CRD file. */
  public static Path generatedCrd() {
    String dir = System.getProperty("shardeddb.crd.generated");
    Path base = dir != null ? Path.of(dir) : Path.of("target", "classes", "META-INF", "fabric8");
    return base.resolve("shardeddatabases.shardeddb.io-v1.yml");
  }
}
