package io.shardeddb.shardserver.http;

import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.shardeddb.protocol.InvalidRequestException;
import io.shardeddb.protocol.lb.MessageResponse;
import io.shardeddb.protocol.shard.ExportGrant;
import io.shardeddb.protocol.shard.ImportProgress;
import io.shardeddb.protocol.shard.ImportRequest;
import io.shardeddb.protocol.shard.Operation;
import io.shardeddb.protocol.shard.RangeChange;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.ShardEndpoints;
import io.shardeddb.protocol.topology.Sharding;
import io.shardeddb.shardserver.ShardException;
import io.shardeddb.shardserver.identity.ExportGrants;
import io.shardeddb.shardserver.replication.ClientChange;
import io.shardeddb.shardserver.replication.ImportService;
import io.shardeddb.shardserver.replication.ReplicaContext;
import io.shardeddb.shardserver.replication.WriteCoordinator;
import io.shardeddb.shardserver.storage.ShardConfig;
import java.time.Instant;

/**
 * The shard-server's half of resharding: imports and the range entries (docs/resharding.md): {@code
 * POST /ranges/fence|adopt|purge} on the primary, each a log entry ordered and acknowledged like a
 * write (epoch re-checked in the commit, write quorum). Each is idempotent by what it does (owned
 * minus/plus the range, delete the range's rows), so a retry with the same {@code moveId} appends
 * another harmless entry whose LSN still bounds every change before it — unlike an answer replayed
 * from the request-id table, which would report an old fence as done after the range had been
 * re-adopted in between.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class RangeController {
  private final ReplicaContext ctx;
  private final WriteCoordinator coordinator;
  private final ImportService imports;
  private final ExportGrants grants;

  public RangeController(
      ReplicaContext ctx,
      WriteCoordinator coordinator,
      ImportService imports,
      ExportGrants grants) {
    this.grants = grants;
    this.imports = imports;
    this.ctx = ctx;
    this.coordinator = coordinator;
  }

  @Post(ShardEndpoints.FENCE_RANGE)
  public RangeChangeResponse fence(@Body RangeChange change) {
    return apply(Operation.Fence, change);
  }

  @Post(ShardEndpoints.ADOPT_RANGE)
  public RangeChangeResponse adopt(@Body RangeChange change) {
    return apply(Operation.Adopt, change);
  }

  @Post(ShardEndpoints.PURGE_RANGE)
  public RangeChangeResponse purge(@Body RangeChange change) {
    return apply(Operation.Purge, change);
  }

  /**
   * The operator's grant: the pods of a move's destination shard may read the moved range here
   * ({@link ExportGrants}; docs/security.md, "Who may call what").
   */
  @Post(ShardEndpoints.EXPORT_GRANT)
  public MessageResponse grantExport(@Body ExportGrant grant) {
    grants.grant(grant, Instant.now());
    return MessageResponse.success(
        "shard "
            + grant.destination()
            + " may read "
            + grant.range()
            + " ("
            + grant.moveId()
            + ")");
  }

  /** Starts an import on this primary (the destination of a move). */
  @Post(ShardEndpoints.IMPORT)
  public ImportProgress startImport(@Body ImportRequest request) {
    return imports.start(request);
  }

  /** The import's progress; 404 when there is none. */
  @Get(ShardEndpoints.IMPORT)
  public ImportProgress importProgress() {
    ImportProgress p = imports.get();
    if (p == null) {
      throw ShardException.notFound("no import on " + ctx.name());
    }
    return p;
  }

  /** Stops the import of {@code moveId} (after the adopt, or an abort). */
  @Delete(ShardEndpoints.IMPORT)
  public ImportProgress stopImport(@QueryValue String moveId) {
    ImportProgress p = imports.stop(moveId);
    if (p == null) {
      throw ShardException.notFound("no import on " + ctx.name());
    }
    return p;
  }

  private RangeChangeResponse apply(Operation op, RangeChange change) {
    ShardConfig config = ctx.requireConfig();
    if (change == null || change.range() == null) {
      throw new InvalidRequestException("missing field 'range' ({\"low\":..,\"size\":..})");
    }
    if (change.moveId() == null || change.moveId().isBlank()) {
      throw new InvalidRequestException("missing field 'moveId'");
    }
    if (config.pointsBy() == Sharding.Hash
        && (change.range().low() < 0 || change.range().highExclusive() > Sharding.HASH_SPACE)) {
      throw new InvalidRequestException(
          "field 'range' lies outside the hash space [0, " + Sharding.HASH_SPACE + ")");
    }
    ctx.requirePrimary();
    long epoch = ctx.view().epoch();
    WriteCoordinator.Acked acked =
        coordinator.submitAcked(ClientChange.range(op, change.range(), change.moveId()));
    WriteCoordinator.RangeOutcome r = acked.range();
    return new RangeChangeResponse(epoch, acked.lsn(), r.owned(), r.rows());
  }
}
