package io.shardeddb.cli.sql;

import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.SessionToken;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request fields a shell sends with each statement: the {@code --consistency} asked for (none:
 * the database's default), and with {@code session} the token of the session's last write, so a
 * read sees what the shell wrote before it (read-your-writes, docs/sql.md).
 */
public final class SqlSession {
  private final String consistency;
  private String token;

  /** {@code consistency}: primary, session, any, bounded, or null for the database's default. */
  public SqlSession(String consistency, String token) {
    this.consistency = consistency;
    this.token = token;
  }

  /** The fields to send with the next statement. */
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (consistency != null) {
      fields.put("consistency", consistency);
    }
    if ("session".equals(consistency) && token != null) {
      fields.put("session", token);
    }
    return fields;
  }

  /**
   * Notes a reply: a write's {@code session} token is merged into the session's (each shard's
   * latest position), so writes to several shards are all seen. A token that does not parse is kept
   * as it came (the router's newer form).
   */
  public Map<String, Object> saw(Map<String, Object> reply) {
    if (reply.get("session") instanceof String s && !s.isBlank()) {
      try {
        token = token == null ? s : SessionToken.parse(token).merge(SessionToken.parse(s)).encode();
      } catch (InvalidRequestException | IllegalArgumentException e) {
        token = s;
      }
    }
    return reply;
  }

  /** The token of the session's last write, or the one it started with; null when none. */
  public String token() {
    return token;
  }
}
