package io.shardeddb.shardserver.identity;

/** What {@link CallerCheck} decided about a caller: allowed, allowed with a warning, or refused. */
public sealed interface Decision {

  /** The caller may make the call. */
  record Allowed() implements Decision {}

  /**
   * The caller may make the call although its certificate names no database (issued before
   * identities); {@code warning} says so, to be logged.
   */
  record AllowedLegacy(String warning) implements Decision {}

  /** The caller may not: {@code reason} names what the call expected and what it got (a 403). */
  record Refused(String reason) implements Decision {}

  /** The one allowed decision. */
  Decision ALLOWED = new Allowed();

  /** Whether the call may go on. */
  default boolean allowed() {
    return !(this instanceof Refused);
  }
}
