package io.shardeddb.bench;

/** The keys a phase touches: {@code base + i * stride} for {@code i} in {@code [0, count)}. */
record KeySet(long base, long stride, int count) {
  KeySet {
    if (count < 1 || stride < 1 || base < 0) {
      throw new IllegalArgumentException("count and stride must be positive, base non-negative");
    }
  }

  /** The assignment's keys {@code 0 .. count-1}. */
  static KeySet contiguous(int count) {
    return new KeySet(0, 1, count);
  }

  long key(int i) {
    return base + i * stride;
  }
}
