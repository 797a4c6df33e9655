package io.shardeddb.router.admin;

import io.micronaut.context.annotation.Requires;
import io.shardeddb.protocol.lb.AddRequest;
import io.shardeddb.protocol.lb.AddResponse;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.RemoveResponse;
import io.shardeddb.router.ApiException;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/** With the file source the file is the truth, so the admin endpoints refuse with a pointer. */
@Singleton
@Requires(property = "shardeddb.router.topology.source", value = "file")
public class FileAdmin implements ClusterAdmin {

  @Override
  public CompletableFuture<MessageResponse> init(DatabaseConfig config) {
    return refused();
  }

  @Override
  public CompletableFuture<AddResponse> add(AddRequest request) {
    return refused();
  }

  @Override
  public CompletableFuture<RemoveResponse> remove(RemoveRequest request) {
    return refused();
  }

  private static <T> CompletableFuture<T> refused() {
    return CompletableFuture.failedFuture(
        new ApiException(
            409,
            "the topology comes from a file (shardeddb.router.topology.file); edit that file"
                + " instead"));
  }
}
