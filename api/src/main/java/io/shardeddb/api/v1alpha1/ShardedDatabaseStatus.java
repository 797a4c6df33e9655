package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;

/** What the operator observes: conditions, every shard's primary and replicas, the router. */
@JsonClassDescription(
    "What the operator observes: conditions, every shard's primary and replicas, the router,"
        + " resharding and requests. Written by the operator only.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardedDatabaseStatus(
    @JsonPropertyDescription("The spec generation this status describes.") Long observedGeneration,
    @JsonPropertyDescription("Ready, Degraded and Progressing conditions.")
        List<Condition> conditions,
    @JsonPropertyDescription("How many shards the spec declares.") Integer shardCount,
    @JsonPropertyDescription("Ready shard replicas over desired ones, e.g. 12/12.") String replicas,
    @JsonPropertyDescription("Each shard's epoch, primary and replicas.") List<ShardStatus> shards,
    @JsonPropertyDescription("The router's readiness and in-cluster endpoint.") RouterStatus router,
    @JsonPropertyDescription(
            "The spec fields that cannot change, as last applied; a spec changing them is"
                + " refused (Ready=False, InvalidSpec).")
        AppliedSpec applied,
    @JsonPropertyDescription(
            "The last outcome of each kind of annotation request (shardeddb.io/promote,"
                + " shardeddb.io/rebuild).")
        List<RequestStatus> requests,
    @JsonPropertyDescription(
            "Resharding moves (docs/resharding.md): the one in flight with its phase and"
                + " progress, and the last finished ones.")
        ReshardingStatus resharding,
    @JsonPropertyDescription(
            "The schema change in flight (docs/sql.md, \"Changing the schema\"): recorded before"
                + " any shard is asked, cleared once every shard's primary applied it.")
        SchemaChangeStatus schemaChange,
    @JsonPropertyDescription(
            "Shards whose primary is ready over all shards, e.g. 2/2 (the Primaries column); a"
                + " shard without a ready primary takes no writes. status.shards[].primary names"
                + " each primary.")
        String primaries) {

  /** The canonical constructor is the one JSON binds to. */
  @JsonCreator
  public ShardedDatabaseStatus {}

  /** A status without a schema change in flight nor a primaries count. */
  public ShardedDatabaseStatus(
      Long observedGeneration,
      List<Condition> conditions,
      Integer shardCount,
      String replicas,
      List<ShardStatus> shards,
      RouterStatus router,
      AppliedSpec applied,
      List<RequestStatus> requests,
      ReshardingStatus resharding) {
    this(
        observedGeneration,
        conditions,
        shardCount,
        replicas,
        shards,
        router,
        applied,
        requests,
        resharding,
        null,
        null);
  }

  /** This status observing {@code generation}. */
  public ShardedDatabaseStatus withObservedGeneration(Long generation) {
    return toBuilder().observedGeneration(generation).build();
  }

  /** This status recording {@code applied}. */
  public ShardedDatabaseStatus withApplied(AppliedSpec applied) {
    return toBuilder().applied(applied).build();
  }

  /** This status recording {@code requests}. */
  public ShardedDatabaseStatus withRequests(List<RequestStatus> requests) {
    return toBuilder().requests(requests).build();
  }

  /** This status recording {@code resharding}. */
  public ShardedDatabaseStatus withResharding(ReshardingStatus resharding) {
    return toBuilder().resharding(resharding).build();
  }

  /** This status with other conditions. */
  public ShardedDatabaseStatus withConditions(List<Condition> conditions) {
    return toBuilder().conditions(conditions).build();
  }

  /** An empty status's builder: every field absent (null) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this status: the one place (with {@link Builder#build()}) that lists
   * every field, so a new field is copied by every change without touching its callers.
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some fields of a status, keeping the others. */
  public static final class Builder {
    private Long observedGeneration;
    private List<Condition> conditions;
    private Integer shardCount;
    private String replicas;
    private List<ShardStatus> shards;
    private RouterStatus router;
    private AppliedSpec applied;
    private List<RequestStatus> requests;
    private ReshardingStatus resharding;
    private SchemaChangeStatus schemaChange;
    private String primaries;

    private Builder() {}

    private Builder(ShardedDatabaseStatus from) {
      observedGeneration = from.observedGeneration;
      conditions = from.conditions;
      shardCount = from.shardCount;
      replicas = from.replicas;
      shards = from.shards;
      router = from.router;
      applied = from.applied;
      requests = from.requests;
      resharding = from.resharding;
      schemaChange = from.schemaChange;
      primaries = from.primaries;
    }

    /** Sets {@code observedGeneration}. */
    public Builder observedGeneration(Long value) {
      observedGeneration = value;
      return this;
    }

    /** Sets {@code conditions}. */
    public Builder conditions(List<Condition> value) {
      conditions = value;
      return this;
    }

    /** Sets {@code shardCount}. */
    public Builder shardCount(Integer value) {
      shardCount = value;
      return this;
    }

    /** Sets {@code replicas}. */
    public Builder replicas(String value) {
      replicas = value;
      return this;
    }

    /** Sets {@code shards}. */
    public Builder shards(List<ShardStatus> value) {
      shards = value;
      return this;
    }

    /** Sets {@code router}. */
    public Builder router(RouterStatus value) {
      router = value;
      return this;
    }

    /** Sets {@code applied}. */
    public Builder applied(AppliedSpec value) {
      applied = value;
      return this;
    }

    /** Sets {@code requests}. */
    public Builder requests(List<RequestStatus> value) {
      requests = value;
      return this;
    }

    /** Sets {@code resharding}. */
    public Builder resharding(ReshardingStatus value) {
      resharding = value;
      return this;
    }

    /** Sets {@code schemaChange}. */
    public Builder schemaChange(SchemaChangeStatus value) {
      schemaChange = value;
      return this;
    }

    /** Sets {@code primaries}. */
    public Builder primaries(String value) {
      primaries = value;
      return this;
    }

    /** The status. */
    public ShardedDatabaseStatus build() {
      return new ShardedDatabaseStatus(
          observedGeneration,
          conditions,
          shardCount,
          replicas,
          shards,
          router,
          applied,
          requests,
          resharding,
          schemaChange,
          primaries);
    }
  }

  /** Resharding moves, never null. */
  public ReshardingStatus reshardingOrEmpty() {
    return resharding == null ? new ReshardingStatus(List.of()) : resharding;
  }

  /** Request outcomes, never null. */
  public List<RequestStatus> requestsOrEmpty() {
    return requests == null ? List.of() : requests;
  }

  /** The last outcome recorded for this kind of request. */
  public Optional<RequestStatus> request(RequestStatus.Type type) {
    return requestsOrEmpty().stream().filter(r -> r.type() == type).findFirst();
  }

  /** Shards, never null. */
  public List<ShardStatus> shardsOrEmpty() {
    return shards == null ? List.of() : shards;
  }

  /** Conditions, never null. */
  public List<Condition> conditionsOrEmpty() {
    return conditions == null ? List.of() : conditions;
  }

  /** The status of the shard with this id, if recorded. */
  public Optional<ShardStatus> shard(String id) {
    return shardsOrEmpty().stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The condition of this type, if set. */
  public Optional<Condition> condition(String type) {
    return conditionsOrEmpty().stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
