package io.shardeddb.operator.model;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One row of {@link SettingsTable}: {@code field} of the resource (or who else decides it: {@code
 * (operator)} for the operator's own constants, {@code (pod)} for the pod itself) becomes setting
 * {@code name} of {@code process} through {@code channel}. {@code value} is null for the channels
 * whose values are built elsewhere ({@code POST /config}, {@code POST /role}, the watched
 * resource); it returns null when the setting is not emitted for that target.
 */
public record Setting(
    Setting.Process process,
    Setting.Channel channel,
    String name,
    String field,
    Function<Setting.Target, Setting.Value> value) {

  /**
   * Whether the row holds the setting's value (else it only lists a setting built elsewhere). The
   * {@link Channel#TLS_ENV} rows do: {@code cert/TlsPods} adds them from the table.
   */
  public boolean hasValue() {
    return value != null;
  }

  /** Who reads a setting. */
  public enum Process {
    SHARD_SERVER,
    MYSQL,
    ROUTER,
    /** No process: people, through kubectl. */
    PEOPLE;

    /** The name the docs use: shard-server, mysql, router, people. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** How a setting reaches its process. */
  public enum Channel {
    ENV("environment"),
    ARGS("arguments"),
    TLS_ENV("environment (TlsPods)"),
    CONFIG_CALL("POST /config"),
    ROLE_CALL("POST /role"),
    RESOURCE("the ShardedDatabase, watched"),
    CONFIG_MAP("ConfigMap `<db>-config`");

    private final String label;

    Channel(String label) {
      this.label = label;
    }

    /** The name the docs use. */
    public String label() {
      return label;
    }
  }

  /** What a setting is set to. */
  public sealed interface Value {
    /** A literal; null or blank is not emitted. */
    record Text(String text) implements Value {}

    /** A key of a Secret, read by the kubelet. */
    record FromSecret(String secret, String key) implements Value {}

    /** A field of the pod itself (the downward API). */
    record FromPod(String fieldPath) implements Value {}

    /** Command-line arguments, in order. */
    record Args(List<String> args) implements Value {}
  }

  /**
   * What a row's value is computed from: the database, the shard whose pods these are (null for
   * routers) and whether routers hold the shard data credential ({@link
   * RouterModel#shardsAcceptDataCredential}).
   */
  public record Target(DatabaseModel db, String shard, boolean dataCredential) {
    /** A pod of {@code shard}. */
    public static Target shard(DatabaseModel db, String shard) {
      return new Target(db, shard, true);
    }

    /** A router pod. */
    public static Target router(DatabaseModel db, boolean dataCredential) {
      return new Target(db, null, dataCredential);
    }
  }
}
