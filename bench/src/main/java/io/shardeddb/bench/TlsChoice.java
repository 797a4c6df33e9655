package io.shardeddb.bench;

import java.util.List;
import java.util.Locale;

/**
 * The bench's {@code --tls} choice for the ShardedDB targets: TLS on every hop (the product's
 * default), off ({@code spec.tls.enabled: false}), or both, one after the other in the same
 * invocation, so a table shows ShardedDB beside direct JDBC (which runs without TLS) in the same
 * TLS state as well as in the shipped one. Every ShardedDB target's name says which it ran.
 */
enum TlsChoice {
  ON,
  OFF,
  BOTH;

  /** {@code on}, {@code off} or {@code both}; a clear {@link IllegalArgumentException} else. */
  static TlsChoice parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "on" -> ON;
      case "off" -> OFF;
      case "both" -> BOTH;
      default -> throw new IllegalArgumentException("--tls must be on, off or both, not " + value);
    };
  }

  /** The TLS states the main comparison deploys each configuration in, in this order. */
  List<Boolean> states() {
    return switch (this) {
      case ON -> List.of(true);
      case OFF -> List.of(false);
      case BOTH -> List.of(true, false);
    };
  }

  /**
   * The one state of a part that deploys each configuration once (the sweeps): on unless off — with
   * {@code both} the sweeps run as shipped.
   */
  boolean single() {
    return this != OFF;
  }

  /** What a ShardedDB target's name gets: {@code " tls-on"} or {@code " tls-off"}. */
  static String targetSuffix(boolean on) {
    return on ? " tls-on" : " tls-off";
  }

  /**
   * The database name's prefix for a state: each state its own database, so the second deployment
   * of a configuration never meets the first one's data.
   */
  static String namePrefix(String prefix, boolean on) {
    return on ? prefix : prefix + "notls-";
  }

  /** For results.json's environment. */
  String describe() {
    return name().toLowerCase(Locale.ROOT);
  }
}
