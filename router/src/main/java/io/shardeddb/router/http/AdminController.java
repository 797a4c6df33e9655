package io.shardeddb.router.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.ApiException;
import io.shardeddb.router.config.RouterSettings;
import io.shardeddb.router.topology.TopologyHolder;
import io.shardeddb.router.topology.TopologyRules;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;

/**
 * The router's own admin API: read the topology it routes by, or push a new one (tests and local
 * runs; a push whose version is not newer than the current one is refused with 409). When the
 * topology comes from Kubernetes a push is refused with 409: the operator owns it, and a pushed
 * table would route by something no resource says until the next sync. A push is validated
 * (versions, URLs, names) before it is installed; a standalone router with a configured pool of
 * shard-servers accepts only those addresses, since the router sends the shard credential to every
 * replica it routes to.
 */
@Controller("/admin")
@Tag(name = "admin", description = "The router's topology")
public class AdminController {
  private final TopologyHolder topology;
  private final JsonBodies bodies;
  private final boolean fromKubernetes;

  /** The standalone pool a push may name; empty: any address (no pool configured). */
  private final List<String> standalonePool;

  public AdminController(TopologyHolder topology, JsonBodies bodies, RouterSettings settings) {
    this.topology = topology;
    this.bodies = bodies;
    this.fromKubernetes = settings.topology().source().equals("kubernetes");
    this.standalonePool =
        settings.topology().source().equals("standalone")
            ? settings.standalone().shardServers().stream().filter(s -> !s.isBlank()).toList()
            : List.of();
  }

  @Get("/topology")
  @Operation(summary = "The topology the router currently routes by")
  public Topology current() {
    return topology.current().topology();
  }

  @Put("/topology")
  @Operation(summary = "Replace the topology; its version must be higher than the current one")
  @RequestBody(content = @Content(schema = @Schema(implementation = Topology.class)))
  public MessageResponse push(@Body @Nullable String body) {
    if (fromKubernetes) {
      throw new ApiException(
          409,
          "the topology comes from Kubernetes (the ShardedDatabase resource and its status);"
              + " PUT /admin/topology is refused, change the resource instead");
    }
    Topology t = TopologyRules.validate(bodies.typed(body, Topology.class));
    if (!standalonePool.isEmpty()) {
      TopologyRules.onlyConfiguredShardServers(t, standalonePool);
    }
    long version = topology.accept(t).version();
    return MessageResponse.success("topology version " + version + " installed");
  }
}
