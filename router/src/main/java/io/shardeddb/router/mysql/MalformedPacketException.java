package io.shardeddb.router.mysql;

/** A client packet that does not follow the protocol: the connection is closed. */
final class MalformedPacketException extends RuntimeException {
  MalformedPacketException(String message) {
    super(message);
  }
}
