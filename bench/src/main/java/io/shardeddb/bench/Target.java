package io.shardeddb.bench;

/** One system under test: stores a row for a key and reads it back by key. */
interface Target extends AutoCloseable {
  /** Inserts the benchmark row for {@code key}; throws on any failure. */
  void write(long key) throws Exception;

  /** Reads the row for {@code key}; throws unless exactly that row comes back. */
  void read(long key) throws Exception;

  @Override
  default void close() throws Exception {}
}
