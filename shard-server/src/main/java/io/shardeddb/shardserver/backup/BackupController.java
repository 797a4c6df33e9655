package io.shardeddb.shardserver.backup;

import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.shardeddb.protocol.shard.WritePause;
import io.shardeddb.shardserver.ShardException;

/**
 * The operator's backup calls (shard credential only): start or follow a base backup of this
 * replica's shard, read or advance the archive.
 */
@Controller("/backup")
@ExecuteOn(TaskExecutors.BLOCKING)
public class BackupController {
  private final BaseBackupService backups;
  private final Archiver archiver;
  private final WritePauses pauses;

  public BackupController(BaseBackupService backups, Archiver archiver, WritePauses pauses) {
    this.backups = backups;
    this.archiver = archiver;
    this.pauses = pauses;
  }

  /**
   * A restore point's fence: commits stop until resume or the lease ends; answers the cut. 409
   * unless this is the primary of the request's epoch holding its lease.
   */
  @Post("/pause")
  public WritePause.Cut pause(@Body WritePause.Request request) throws InterruptedException {
    return pauses.pause(request.id(), request.millis(), request.epoch());
  }

  /**
   * Ends a pause, answering whether it still held with the epoch confirmed ({@code Held}), had
   * lapsed, or held without a majority confirming the epoch afterwards ({@code Unconfirmed}).
   */
  @Post("/resume")
  public WritePause.Resumed resume(@Body WritePause.Request request) throws InterruptedException {
    return pauses.resume(request.id());
  }

  /** The body of {@code POST /backup/base}. */
  @Serdeable
  public record BaseBackupRequest(String name) {}

  @Post("/base")
  public BaseBackupStatus startBase(@Body BaseBackupRequest request) {
    return backups.start(request == null ? null : request.name());
  }

  @Get("/base")
  public BaseBackupStatus base(@QueryValue String name) {
    BaseBackupStatus s = backups.status(name);
    if (s == null) {
      throw new ShardException(404, "no base backup '" + name + "' runs on this replica");
    }
    return s;
  }

  @Get("/status")
  public ArchiveStatus status() {
    return archiver.status();
  }

  /** Archives what is committed now (a restore point's flush), then reports. */
  @Post("/archive")
  public ArchiveStatus archive() {
    archiver.tick();
    return archiver.status();
  }
}
