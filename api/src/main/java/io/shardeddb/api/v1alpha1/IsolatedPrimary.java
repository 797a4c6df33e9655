package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The last primary of a shard replaced because it reached no majority of its replicas (DESIGN §5
 * rule 11), and when. A planned hand-over (after a shrink, or at the end of a roll) does not pick
 * that replica again for a while: it may still be cut off from the others.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record IsolatedPrimary(
    @JsonPropertyDescription("The pod name of the replaced primary.") String pod,
    @JsonPropertyDescription("When it was replaced (RFC 3339).") String replacedAt) {}
