package io.shardeddb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the bench reads around a measured phase, and where. */
class PhasesTest {

  /** Records every operation and every reading in the order they happen. */
  private static final class Recorder implements Target, Phases.Meters {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void write(long key) {
      events.add("W");
    }

    @Override
    public void read(long key) {
      events.add("R");
    }

    @Override
    public ProcessCpu.Reading cpu() {
      events.add("cpu");
      return new ProcessCpu.Reading(Map.of("g", 1.0), 1);
    }

    @Override
    public MariaDbCounters.Reading storage() {
      events.add("status");
      return new MariaDbCounters.Reading(Map.of("Com_insert", (long) count("W")));
    }

    private int count(String event) {
      synchronized (events) {
        return (int) events.stream().filter(event::equals).count();
      }
    }

    @Override
    public HopMeters.Reading hops() {
      events.add("scrape");
      return HopMeters.Reading.none();
    }

    /** The events with each phase's operations collapsed into one letter. */
    String sequence() {
      List<String> out = new ArrayList<>();
      synchronized (events) {
        for (String e : events) {
          if (!out.isEmpty() && e.length() == 1 && out.get(out.size() - 1).equals(e)) {
            continue;
          }
          out.add(e);
        }
      }
      return String.join(" ", out);
    }
  }

  @Test
  void noScrapeOrStatusQueryFallsInsideTheCpuBracketOfAMeasuredPhase() throws Exception {
    Recorder r = new Recorder();
    Phases phases = new Phases(new LoadRunner(Duration.ofSeconds(30)), 2, Duration.ZERO);

    phases.measure("t", 1, 3, r, new RunPlan(5, 2, 0), r);

    String run = "scrape status cpu W cpu status scrape cpu R cpu status scrape";
    // warm-up (no readings), the idle window (CPU only), then each measured run.
    assertThat(r.sequence()).isEqualTo("W R cpu cpu " + run + " " + run);
    assertThat(phases.results).hasSize(2).allMatch(PhaseResult::valid);
    // MariaDB's counters over the measured runs only: 2 runs of 5 writes, none while reading.
    assertThat(phases.storage)
        .extracting(MariaDbCounters.Usage::phase, u -> u.counters().values().get("Com_insert"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("write", 10L),
            org.assertj.core.groups.Tuple.tuple("read", 0L));
    assertThat(phases.storage.get(0).perOp()).containsEntry("Com_insert", 1.0);
  }
}
