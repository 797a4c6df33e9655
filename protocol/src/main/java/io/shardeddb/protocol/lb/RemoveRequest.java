package io.shardeddb.protocol.lb;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The body of {@code DELETE /rm}: remove {@code n} servers, these named ones first. */
@Serdeable
public record RemoveRequest(Integer n, List<String> servers) {}
