package io.shardeddb.shardserver.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * What a primary's {@link PeerLink}s measure, per hop to a secondary: the round trip of each {@code
 * replicate} request, the log entries it carried, how many requests were in flight to that
 * secondary when it was sent (the window's effect: 1 when requests go one at a time), and how often
 * a link went back to a secondary's match point to send again (rule 4).
 */
final class ReplicationMeters {
  private final Timer latency;
  private final DistributionSummary entries;
  private final DistributionSummary inFlight;
  private final Counter resends;

  ReplicationMeters(MeterRegistry registry) {
    this.latency =
        Timer.builder("shardeddb.replication.latency")
            .description("round trip of one /replicate request to a secondary")
            .publishPercentileHistogram()
            .register(registry);
    this.entries =
        DistributionSummary.builder("shardeddb.replication.request.entries")
            .description("log entries carried by one /replicate request (0: a lease ping)")
            .baseUnit("entries")
            .register(registry);
    this.inFlight =
        DistributionSummary.builder("shardeddb.replication.in.flight")
            .description(
                "/replicate requests in flight to the secondary when one is sent, this one"
                    + " included")
            .baseUnit("requests")
            .register(registry);
    this.resends =
        Counter.builder("shardeddb.replication.resends")
            .description(
                "times a link went back to a secondary's match point (a refusal, a gap or an"
                    + " error) to send from there again")
            .register(registry);
  }

  void sent(int entryCount, int requestsInFlight) {
    entries.record(entryCount);
    inFlight.record(requestsInFlight);
  }

  void answered(long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void resent() {
    resends.increment();
  }
}
