package io.shardeddb.router.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientRegistry;
import io.shardeddb.protocol.auth.CredentialSource;
import io.shardeddb.protocol.lb.DatabaseConfig;
import io.shardeddb.protocol.lb.RemoveRequest;
import io.shardeddb.protocol.lb.ShardDoc;
import io.shardeddb.protocol.shard.FenceRequest;
import io.shardeddb.protocol.shard.FenceResponse;
import io.shardeddb.protocol.shard.Heartbeat;
import io.shardeddb.protocol.shard.LogPosition;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.shard.RoleRequest;
import io.shardeddb.protocol.shard.ShardConfigRequest;
import io.shardeddb.protocol.topology.Role;
import io.shardeddb.protocol.topology.ShardTopology;
import io.shardeddb.protocol.topology.WriteQuorum;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.shard.ShardServerClient;
import io.shardeddb.router.shard.ShardServerException;
import io.shardeddb.router.topology.TopologyHolder;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The standalone admin removes a primary's server with the operator's rule: fence every replica
 * through the real {@code /fence}, choose from the answers, never send a role the shard-server
 * rejects. Shard-servers are in-memory fakes following the contract.
 */
class StandaloneAdminTest {

  /** One in-memory replica: its epoch, vote, log position, and every call it received. */
  static final class Replica {
    final String url;
    long epoch;
    long lastEntryEpoch;
    long lastLsn;
    Role role = Role.None;
    String votedPrimary;
    boolean down;
    RoleRequest lastRole;
    final List<String> calls = new ArrayList<>();

    Replica(String url) {
      this.url = url;
    }
  }

  /** A client answering from the in-memory replicas, per the shard-server contract. */
  static final class FakeClient extends ShardServerClient {
    final Map<String, Replica> replicas = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    FakeClient() {
      super(
          (HttpClientRegistry<HttpClient>)
              Proxy.newProxyInstance(
                  StandaloneAdminTest.class.getClassLoader(),
                  new Class<?>[] {HttpClientRegistry.class},
                  (proxy, method, args) -> null),
          CredentialSource.fixed(""));
    }

    Replica replica(String url) {
      Replica r = replicas.get(url);
      if (r.down) {
        throw new ShardServerException(url, ShardServerException.UNREACHABLE, "down");
      }
      return r;
    }

    @Override
    public Mono<Heartbeat> heartbeat(String url) {
      return Mono.fromSupplier(
          () -> {
            Replica r = replica(url);
            return Heartbeat.builder(url, "sh1")
                .role(r.role)
                .epoch(r.epoch)
                .appliedLsn(r.lastLsn)
                .lastEntryEpoch(r.lastEntryEpoch)
                .lagLsn(0)
                .state(ReplicaState.Ready)
                .build();
          });
    }

    @Override
    public Mono<String> config(String url, ShardConfigRequest request) {
      return Mono.fromSupplier(
          () -> {
            replica(url).calls.add("config");
            return "ok";
          });
    }

    @Override
    public Mono<FenceResponse> fence(String url, FenceRequest request) {
      return Mono.fromSupplier(
          () -> {
            Replica r = replica(url);
            r.calls.add("fence " + request.epoch());
            if (request.epoch() < r.epoch) {
              throw new ShardServerException(url, 409, "stale epoch");
            }
            if (request.epoch() > r.epoch) {
              r.votedPrimary = null;
            }
            r.epoch = request.epoch();
            r.role = r.role == Role.Primary ? Role.Secondary : r.role;
            return new FenceResponse(
                url, r.epoch, r.lastEntryEpoch, r.lastLsn, ReplicaState.Fenced);
          });
    }

    @Override
    public Mono<String> role(String url, RoleRequest request) {
      return Mono.fromSupplier(
          () -> {
            Replica r = replica(url);
            r.calls.add("role " + request.role() + " " + request.epoch());
            r.lastRole = request;
            if (request.role() == Role.None
                || request.epoch() < r.epoch
                || (request.epoch() == r.epoch
                    && r.votedPrimary != null
                    && !r.votedPrimary.equals(request.primary().name()))) {
              throw new ShardServerException(url, 409, "refused");
            }
            r.epoch = request.epoch();
            r.votedPrimary = request.primary().name();
            r.role = request.role();
            return "ok";
          });
    }
  }

  private final ExecutorService blocking = Executors.newSingleThreadExecutor();
  private final FakeClient client = new FakeClient();
  private final TopologyHolder holder = new TopologyHolder("students");

  @AfterEach
  void stop() {
    blocking.shutdownNow();
  }

  private StandaloneAdmin threeReplicasOfOneShard() {
    List<String> pool = List.of("http://a", "http://b", "http://c");
    pool.forEach(u -> client.replicas.put(u, new Replica(u)));
    StandaloneAdmin admin =
        new StandaloneAdmin(holder, client, blocking, pool, WriteQuorum.Majority);
    Map<String, List<String>> servers = new LinkedHashMap<>();
    servers.put("Server0", List.of("sh1"));
    servers.put("Server1", List.of("sh1"));
    servers.put("Server2", List.of("sh1"));
    admin
        .init(
            new DatabaseConfig(
                3, LayoutPlannerTest.SCHEMA, List.of(new ShardDoc(0, "sh1", 4096)), servers))
        .join();
    return admin;
  }

  private ShardTopology sh1() {
    return holder.current().topology().shard("sh1").orElseThrow();
  }

  private void position(String url, long entryEpoch, long lsn) {
    client.replicas.get(url).lastEntryEpoch = entryEpoch;
    client.replicas.get(url).lastLsn = lsn;
  }

  @Test
  void removingThePrimarysServerFencesEveryReplicaThenPromotesTheMostUpToDateAnswer() {
    StandaloneAdmin admin = threeReplicasOfOneShard();
    assertThat(sh1().primary()).isEqualTo("http://a");
    // /init brings an empty shard up: its primary is chosen for an empty log.
    assertThat(client.replicas.get("http://a").lastRole.chosenAt()).isEqualTo(LogPosition.EMPTY);
    position("http://a", 1, 30);
    position("http://b", 1, 20);
    position("http://c", 1, 30);

    admin.remove(new RemoveRequest(1, List.of("Server0"))).join();

    assertThat(sh1().primary()).isEqualTo("http://c");
    assertThat(sh1().epoch()).isEqualTo(2);
    for (String url : List.of("http://a", "http://b", "http://c")) {
      assertThat(client.replicas.get(url).calls).contains("fence 2");
    }
    assertThat(client.replicas.get("http://c").role).isEqualTo(Role.Primary);
    assertThat(client.replicas.get("http://b").role).isEqualTo(Role.Secondary);
    // Chosen for its fence answer's last entry: it refuses the role without that log (rule 2).
    assertThat(client.replicas.get("http://c").lastRole.chosenAt())
        .isEqualTo(new LogPosition(1, 30));
    assertThat(client.replicas.get("http://b").lastRole.chosenAt()).isNull();
    // The old way sent a Role.None "fence" the shard-server always rejects.
    assertThat(client.replicas.get("http://a").calls).noneMatch(c -> c.startsWith("role None"));
  }

  @Test
  void whenTooFewReplicasAnswerTheFenceNobodyIsPromoted() {
    StandaloneAdmin admin = threeReplicasOfOneShard();
    position("http://c", 1, 30);
    client.replicas.get("http://a").down = true;
    client.replicas.get("http://b").down = true;

    assertThatThrownBy(() -> admin.remove(new RemoveRequest(1, List.of("Server0"))).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("only 1 of 3");
    assertThat(client.replicas.get("http://c").role).isEqualTo(Role.Secondary);
    assertThat(sh1().primary()).isEqualTo("http://a");
  }

  @Test
  void aRemovedPrimaryAheadOfEveryRemainingReplicaStaysPrimaryAndTheRemovalIsRefused() {
    StandaloneAdmin admin = threeReplicasOfOneShard();
    position("http://a", 1, 40);
    position("http://b", 1, 20);
    position("http://c", 1, 30);

    assertThatThrownBy(() -> admin.remove(new RemoveRequest(1, List.of("Server0"))).join())
        .cause()
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("holds entries no replica that may lead has");
    assertThat(client.replicas.get("http://a").role).isEqualTo(Role.Primary);
    assertThat(client.replicas.get("http://a").epoch).isEqualTo(2);
    assertThat(sh1().epoch()).isEqualTo(2);
    assertThat(sh1().primary()).isEqualTo("http://a");
  }

  @Test
  void anOldPrimaryThatAnsweredAFenceWithoutQuorumIsReinstatedNotLeftFenced() {
    StandaloneAdmin admin = threeReplicasOfOneShard();
    position("http://a", 1, 30);
    client.replicas.get("http://b").down = true;
    client.replicas.get("http://c").down = true;

    assertThatThrownBy(() -> admin.remove(new RemoveRequest(1, List.of("Server0"))).join())
        .cause()
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("only 1 of 3");
    assertThat(client.replicas.get("http://a").role).isEqualTo(Role.Primary);
    assertThat(client.replicas.get("http://a").epoch).isEqualTo(2);
    assertThat(sh1().epoch()).isEqualTo(2);
  }

  @Test
  void initWithWriteQuorumOneIsRefusedWith400NamingTheSettingAndStartsNothing() {
    List<String> pool = List.of("http://a", "http://b", "http://c");
    pool.forEach(u -> client.replicas.put(u, new Replica(u)));
    StandaloneAdmin admin = new StandaloneAdmin(holder, client, blocking, pool, WriteQuorum.One);
    Map<String, List<String>> servers = new LinkedHashMap<>();
    servers.put("Server0", List.of("sh1"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                admin
                    .init(
                        new DatabaseConfig(
                            1,
                            LayoutPlannerTest.SCHEMA,
                            List.of(new ShardDoc(0, "sh1", 4096)),
                            servers))
                    .join())
        .rootCause()
        .isInstanceOf(io.shardeddb.router.ApiException.class)
        .hasMessageContaining("shardeddb.router.standalone.write-quorum")
        .satisfies(e -> assertThat(((io.shardeddb.router.ApiException) e).status()).isEqualTo(400));
    assertThat(holder.current().topology().isInitialized()).isFalse();
  }
}
