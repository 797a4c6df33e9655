package io.shardeddb.shardserver;

import io.micronaut.runtime.Micronaut;

/** Starts one shard-server (one replica of one shard) as a Micronaut HTTP service. */
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    Micronaut.run(Application.class, args);
  }
}
