package io.shardeddb.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The resharding moves: the one in flight (at most one) and the last finished ones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReshardingStatus(
    @JsonPropertyDescription(
            "Moves, oldest first: the last finished ones (Done or Aborted) and the one in flight.")
        List<MoveStatus> moves) {

  /** How many finished moves are kept. */
  public static final int HISTORY = 10;

  /** Moves, never null. */
  public List<MoveStatus> movesOrEmpty() {
    return moves == null ? List.of() : moves;
  }

  /** The move in flight, if any. */
  public Optional<MoveStatus> inFlight() {
    return movesOrEmpty().stream().filter(m -> !m.phase().finished()).findFirst();
  }

  /** These moves with {@code move} recorded (replacing the one with its id), history trimmed. */
  public ReshardingStatus with(MoveStatus move) {
    List<MoveStatus> out = new ArrayList<>();
    boolean replaced = false;
    for (MoveStatus m : movesOrEmpty()) {
      if (m.id().equals(move.id())) {
        out.add(move);
        replaced = true;
      } else {
        out.add(m);
      }
    }
    if (!replaced) {
      out.add(move);
    }
    long finished = out.stream().filter(m -> m.phase().finished()).count();
    for (int i = 0; i < out.size() && finished > HISTORY; ) {
      if (out.get(i).phase().finished()) {
        out.remove(i);
        finished--;
      } else {
        i++;
      }
    }
    return new ReshardingStatus(List.copyOf(out));
  }
}
