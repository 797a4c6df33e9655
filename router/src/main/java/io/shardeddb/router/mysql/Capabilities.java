package io.shardeddb.router.mysql;

/** The capability flags of the MySQL protocol this server uses (the {@code CLIENT_*} constants). */
final class Capabilities {
  static final int LONG_PASSWORD = 1;
  static final int FOUND_ROWS = 1 << 1;
  static final int LONG_FLAG = 1 << 2;
  static final int CONNECT_WITH_DB = 1 << 3;
  static final int PROTOCOL_41 = 1 << 9;
  static final int INTERACTIVE = 1 << 10;
  static final int SSL = 1 << 11;
  static final int TRANSACTIONS = 1 << 13;
  static final int SECURE_CONNECTION = 1 << 15;
  static final int MULTI_RESULTS = 1 << 17;
  static final int PLUGIN_AUTH = 1 << 19;
  static final int CONNECT_ATTRS = 1 << 20;
  static final int PLUGIN_AUTH_LENENC_CLIENT_DATA = 1 << 21;

  /**
   * What the server offers: the 4.1 protocol with pluggable authentication; TLS when it has a
   * certificate. No CLIENT_DEPRECATE_EOF (result sets end with EOF packets, which every client
   * reads), no compression, no multi-statements, no LOAD DATA LOCAL.
   */
  static int server(boolean tls) {
    int caps =
        LONG_PASSWORD
            | FOUND_ROWS
            | LONG_FLAG
            | CONNECT_WITH_DB
            | PROTOCOL_41
            | INTERACTIVE
            | TRANSACTIONS
            | SECURE_CONNECTION
            | MULTI_RESULTS
            | PLUGIN_AUTH
            | CONNECT_ATTRS
            | PLUGIN_AUTH_LENENC_CLIENT_DATA;
    return tls ? caps | SSL : caps;
  }

  /** The server status flag saying a transaction is open (SERVER_STATUS_IN_TRANS). */
  static final int STATUS_IN_TRANS = 1;

  /** The server status flag saying every statement commits on its own. */
  static final int STATUS_AUTOCOMMIT = 2;

  private Capabilities() {}
}
