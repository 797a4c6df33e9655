package io.shardeddb.operator.status;

import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.MoveStatus;
import io.shardeddb.api.v1alpha1.RequestStatus;
import io.shardeddb.api.v1alpha1.RouterStatus;
import io.shardeddb.operator.backup.ArchiveHealth;
import java.util.List;

/**
 * Everything a full pass hands the aggregate: the shards' outcomes, the removal refusals (not the
 * shards kept for resharding), the shrinks waiting ({@code resizing}), the shards merged away kept
 * until their archive holds their log ({@code retireWaits}, one message each), why a wanted schema
 * change waits ({@code schemaWaits}: no change is recorded yet), the router, the resharding and
 * volume reports, the user's router token Secret lacking admin-token (null: it does not), the
 * stalled archives, the applied spec, the annotation requests refused before reaching a shard and
 * the request outcomes to record (null: keep the previous ones).
 */
public record PassReport(
    List<ShardOutcome> outcomes,
    List<String> refusals,
    List<String> resizing,
    List<String> retireWaits,
    List<String> schemaWaits,
    RouterStatus router,
    Resharding resharding,
    Storage storage,
    Ca ca,
    String adminTokenMissing,
    List<ArchiveHealth.Stall> archiveStalls,
    AppliedSpec applied,
    List<RequestStatus> refusedRequests,
    List<RequestStatus> requests,
    Holds holds) {

  /**
   * What the user holds the database in: hibernated ({@code shardeddb.io/hibernation: on}), the
   * fenced pods ({@code shardeddb.io/fenced-pods}, {@code *} for all) and why either annotation
   * cannot be read.
   */
  public record Holds(boolean hibernated, List<String> fenced, List<String> problems) {

    /** Running, nothing fenced. */
    public static final Holds NONE = new Holds(false, List.of(), List.of());
  }

  /**
   * What the resharding step reports: the move as last recorded (null: none), why the spec cannot
   * be reached (null: it can), the outdated CRD's message when resharding stopped for it (null: the
   * CRD is current), the move's Events and whether to look again soon. Only the aggregate turns it
   * into the Resharding condition.
   */
  public record Resharding(
      MoveStatus move, String blocked, String crdOutdated, List<ShardEvent> events, boolean busy) {

    /** No move, nothing blocked, the CRD current. */
    public static final Resharding NONE = new Resharding(null, null, null, List.of(), false);

    /** The step recorded {@code move} (in flight or just finished). */
    public static Resharding moved(MoveStatus move, List<ShardEvent> events, boolean busy) {
      return new Resharding(move, null, null, events, busy);
    }

    /** The planner refuses the spec: {@code why}. */
    public static Resharding blocked(String why) {
      return new Resharding(null, why, null, List.of(), false);
    }

    /** This report, resharding stopped because the CRD is outdated ({@code message}). */
    public Resharding crdOutdated(String message) {
      return new Resharding(move, blocked, message, events, busy);
    }
  }

  /**
   * What the volume resize reports: its StorageResizing condition (null: none this pass), its
   * Events, and whether to look again soon.
   */
  public record Storage(DesiredCondition condition, List<ShardEvent> events, boolean busy) {

    /** No resize: no condition, no Event. */
    public static final Storage NONE = new Storage(null, List.of(), false);
  }

  /**
   * What the CA step reports: its CertificateAuthority condition (null: none, TLS off) and its
   * Events (a rotation's steps and refusals; the unusable user CA's Warning is the aggregate's, on
   * a change of the condition).
   */
  public record Ca(DesiredCondition condition, List<ShardEvent> events) {

    /** Nothing to report. */
    public static final Ca NONE = new Ca(null, List.of());
  }

  /** A builder with no shard, no refusal, no resharding, no resize, nothing stalled. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Pass}; unset fields are empty. */
  public static final class Builder {
    private List<ShardOutcome> outcomes = List.of();
    private List<String> refusals = List.of();
    private List<String> resizing = List.of();
    private List<String> retireWaits = List.of();
    private List<String> schemaWaits = List.of();
    private RouterStatus router = new RouterStatus(0, null);
    private Resharding resharding = Resharding.NONE;
    private Storage storage = Storage.NONE;
    private Ca ca = Ca.NONE;
    private String adminTokenMissing;
    private List<ArchiveHealth.Stall> archiveStalls = List.of();
    private AppliedSpec applied;
    private List<RequestStatus> refusedRequests = List.of();
    private List<RequestStatus> requests;
    private Holds holds = Holds.NONE;

    private Builder() {}

    /** Hibernation and fences. */
    public Builder holds(Holds value) {
      holds = value;
      return this;
    }

    /** The shards' outcomes. */
    public Builder outcomes(List<ShardOutcome> value) {
      outcomes = value;
      return this;
    }

    /** The refused removals. */
    public Builder refusals(List<String> value) {
      refusals = value;
      return this;
    }

    /** The shrinks waiting for their quorum to move. */
    public Builder resizing(List<String> value) {
      resizing = value;
      return this;
    }

    /**
     * The shards merged away whose deletion waits for their archive (RetireGate), one line each.
     */
    public Builder retireWaits(List<String> value) {
      retireWaits = value;
      return this;
    }

    /**
     * Why a schema change the spec asks for is not started (a move in flight, a replica that cannot
     * store its table yet), one line each.
     */
    public Builder schemaWaits(List<String> value) {
      schemaWaits = value;
      return this;
    }

    /** The router's readiness. */
    public Builder router(RouterStatus value) {
      router = value;
      return this;
    }

    /** The resharding step's report. */
    public Builder resharding(Resharding value) {
      resharding = value;
      return this;
    }

    /** The volume resize's report. */
    public Builder storage(Storage value) {
      storage = value;
      return this;
    }

    /** The CA step's report. */
    public Builder ca(Ca value) {
      ca = value;
      return this;
    }

    /** The user's router token Secret lacking admin-token (null: none). */
    public Builder adminTokenMissing(String value) {
      adminTokenMissing = value;
      return this;
    }

    /** The stalled archives. */
    public Builder archiveStalls(List<ArchiveHealth.Stall> value) {
      archiveStalls = value;
      return this;
    }

    /** The spec the pass applied. */
    public Builder applied(AppliedSpec value) {
      applied = value;
      return this;
    }

    /** The annotation requests refused before reaching a shard (each gets a Warning). */
    public Builder refusedRequests(List<RequestStatus> value) {
      refusedRequests = value;
      return this;
    }

    /** The request outcomes to record. */
    public Builder requests(List<RequestStatus> value) {
      requests = value;
      return this;
    }

    /** The pass. */
    public PassReport build() {
      return new PassReport(
          outcomes,
          refusals,
          resizing,
          retireWaits,
          schemaWaits,
          router,
          resharding,
          storage,
          ca,
          adminTokenMissing,
          archiveStalls,
          applied,
          refusedRequests,
          requests,
          holds);
    }
  }
}
