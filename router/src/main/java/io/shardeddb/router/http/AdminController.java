package io.shardeddb.router.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.topology.Topology;
import io.shardeddb.router.topology.TopologyHolder;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The router's own admin API: read the topology it routes by, or push a new one (tests and local
 * runs; a push whose version is not newer than the current one is refused with 409).
 */
@Controller("/admin")
@Tag(name = "admin", description = "The router's topology")
public class AdminController {
  private final TopologyHolder topology;
  private final JsonBodies bodies;

  public AdminController(TopologyHolder topology, JsonBodies bodies) {
    this.topology = topology;
    this.bodies = bodies;
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
    Topology t = bodies.typed(body, Topology.class);
    if (t.schema() != null) {
      t.schema().validate();
    }
    long version = topology.accept(t).version();
    return MessageResponse.success("topology version " + version + " installed");
  }
}
