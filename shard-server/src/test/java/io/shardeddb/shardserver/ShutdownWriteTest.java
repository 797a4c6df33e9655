package io.shardeddb.shardserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A shard-server shutting down (a pod's SIGTERM closes its context) may still take a request while
 * its beans close: a write queued after the write coordinator stopped is refused at once with 503,
 * not left in the batcher's queue until the caller's acknowledgement wait (11 s) runs out. Found in
 * the router's {@code FailoverIT} output: a write that reached a killed primary's HTTP server hung
 * for the whole wait.
 */
class ShutdownWriteTest {
  private Replica replica;

  @AfterEach
  void stop() {
    if (replica != null) {
      replica.close();
    }
  }

  @Test
  void aWriteQueuedAfterTheCoordinatorStoppedIsRefusedAtOnce() throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 6);
    replica = Replica.start("shutdown-" + id, "shutdown_" + id);
    Http.Reply reply = Http.post(replica.url() + "/config", ThreeReplicaShard.CONFIG);
    assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
    replica.assignSolePrimary();
    WriteCoordinator coordinator = replica.bean(WriteCoordinator.class);

    // What the context's close does first (@PreDestroy); the role is still Primary on disk.
    coordinator.close();

    Throwable refused =
        catchThrowable(
            () -> {
              CompletableFuture<WriteCoordinator.Acked> queued =
                  coordinator.enqueue(ClientChange.clock(1));
              queued.get(2, TimeUnit.SECONDS);
            });
    assertThat(refused).as("refused at once, not left waiting").isNotNull();
    Throwable cause = refused instanceof ExecutionException e ? e.getCause() : refused;
    assertThat(cause).isInstanceOf(ShardException.class).hasMessageContaining("shutting down");
    assertThat(((ShardException) cause).status()).isEqualTo(503);
  }
}
