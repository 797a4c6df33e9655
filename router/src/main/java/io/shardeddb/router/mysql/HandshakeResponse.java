package io.shardeddb.router.mysql;

/**
 * The client's answer to the handshake, Protocol::HandshakeResponse41, or its first 32 bytes alone:
 * an SSLRequest ({@code sslRequest}), after which TLS starts and the full response follows.
 */
record HandshakeResponse(
    int capabilities,
    boolean sslRequest,
    String user,
    byte[] authResponse,
    String database,
    String authPlugin) {

  static HandshakeResponse decode(byte[] payload) {
    PacketReader r = new PacketReader(payload);
    int caps = (int) r.int4();
    if ((caps & Capabilities.PROTOCOL_41) == 0) {
      throw new MalformedPacketException("only the 4.1 protocol is supported");
    }
    r.int4(); // max packet size
    r.int1(); // character set
    r.skip(23);
    if (r.remaining() == 0) {
      if ((caps & Capabilities.SSL) == 0) {
        throw new MalformedPacketException("a handshake response without a user");
      }
      return new HandshakeResponse(caps, true, null, new byte[0], null, null);
    }
    String user = r.nul();
    byte[] auth;
    if ((caps & Capabilities.PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
      auth = r.lenencBytes();
    } else if ((caps & Capabilities.SECURE_CONNECTION) != 0) {
      auth = r.bytes(r.int1());
    } else {
      auth = r.nul().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    String db = null;
    if ((caps & Capabilities.CONNECT_WITH_DB) != 0 && r.remaining() > 0) {
      db = r.nul();
      if (db.isEmpty()) {
        db = null;
      }
    }
    String plugin = null;
    if ((caps & Capabilities.PLUGIN_AUTH) != 0 && r.remaining() > 0) {
      plugin = r.nul();
    }
    // Connection attributes (CLIENT_CONNECT_ATTRS) follow; nothing here needs them.
    return new HandshakeResponse(caps, false, user, auth, db, plugin);
  }
}
