package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The last outcome of a one-shot request made by annotating the resource ({@code
 * shardeddb.io/promote}, {@code shardeddb.io/rebuild}, {@code shardeddb.io/rotate-ca}); {@code
 * kubectl-sdb} waits on it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RequestStatus(
    @JsonPropertyDescription("Which request: Promote, Rebuild or RotateCa.") Type type,
    @JsonPropertyDescription(
            "The annotation's value as the operator read it, e.g. sh1=students-sh1-1.")
        String request,
    @JsonPropertyDescription("InProgress, Succeeded, Refused or Failed.") Outcome outcome,
    @JsonPropertyDescription("What happened, or why it was refused, in a sentence.") String message,
    @JsonPropertyDescription("When the operator recorded this outcome (RFC 3339).") String time) {

  /** The kinds of request. */
  public enum Type {
    /** A planned switch-over of a shard's primary to a named replica. */
    Promote("shardeddb.io/promote"),
    /** A re-copy of one replica from its shard's primary. */
    Rebuild("shardeddb.io/rebuild"),
    /**
     * A rotation of the database's CA (any value), with both CAs trusted while every certificate is
     * issued again (docs/security.md).
     */
    RotateCa("shardeddb.io/rotate-ca");

    private final String annotation;

    Type(String annotation) {
      this.annotation = annotation;
    }

    /**
     * The annotation on the ShardedDatabase that carries a request of this type ({@code
     * <shard>=<pod>} for a promote, {@code <pod>} for a rebuild).
     */
    public String annotation() {
      return annotation;
    }
  }

  /** How a request ended (or that it is still under way). */
  public enum Outcome {
    /** Accepted and still running (a rebuild's copy). */
    InProgress,
    /** Done. */
    Succeeded,
    /** Not attempted: the request names something wrong or the shard is not in a state for it. */
    Refused,
    /** Attempted and given up; the shard is left safe (see the message). */
    Failed
  }

  /** Whether the request is finished (anything but InProgress). */
  public boolean finished() {
    return outcome != Outcome.InProgress;
  }

  /** This record with another outcome, message and time. */
  public RequestStatus with(Outcome newOutcome, String newMessage, String newTime) {
    return new RequestStatus(type, request, newOutcome, newMessage, newTime);
  }
}
