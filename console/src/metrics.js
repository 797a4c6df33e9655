// What the console's charts and key-range bar draw, as pure functions over the documents of
// GET /console/api/status (docs/console.md, "Charts"). The router keeps counters only; the page
// samples them at each refresh and keeps the newest samples in memory (a ring buffer of
// HISTORY_LIMIT), so a chart starts empty when the page opens and forgets what it drew on reload.
// No DOM, no fetch here: `node --test` runs metrics.test.js against these.

/** The samples the page keeps: 150 at one per 2 s refresh, the last 5 minutes. */
export const HISTORY_LIMIT = 150;

/** The quantile the latency chart shows. */
export const LATENCY_QUANTILE = 0.99;

/**
 * The largest lag (log entries behind the primary) among a shard's replicas other than the
 * primary, as the status reports it; null when none is reported.
 */
export function maxLag(shard) {
  let lag = null;
  for (const r of shard.replicas || []) {
    if (r.role !== 'Primary' && r.lagLsn != null) {
      lag = Math.max(lag ?? 0, r.lagLsn);
    }
  }
  return lag;
}

/** One sample of a status taken at `t` (ms): per shard its write counts and its largest lag. */
export function sampleOf(status, t) {
  const shards = {};
  for (const s of status.shards || []) {
    shards[s.id] = { writes: s.writes ?? null, lag: maxLag(s) };
  }
  return { t, shards };
}

/** `history` with `sample` appended, keeping the newest `limit` samples. */
export function appendSample(history, sample, limit = HISTORY_LIMIT) {
  const next = history.concat([sample]);
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** Counts before a shard's first write: the router had counted none. */
const NONE = { calls: 0, rows: 0, counts: null };

/**
 * Whether `after` can follow `before` as counts of the same router: every count only grows
 * (a router that restarted starts again at zero).
 */
function continues(before, after) {
  if (after.calls < before.calls || after.rows < before.rows) {
    return false;
  }
  return before.counts == null || (after.counts != null && after.counts.length === before.counts.length);
}

/**
 * Rows written per second between two write counts of one shard taken `seconds` apart; null when
 * they cannot be compared (the router restarted, or no time passed).
 */
export function writesPerSecond(before, after, seconds) {
  const b = before ?? NONE;
  const a = after ?? NONE;
  if (!(seconds > 0) || !continues(b, a)) {
    return null;
  }
  return (a.rows - b.rows) / seconds;
}

/**
 * The calls per latency bucket between two write counts of one shard (after minus before); null
 * when they cannot be compared or nothing was counted after.
 */
export function bucketDelta(before, after) {
  const b = before ?? NONE;
  if (after == null || after.counts == null || !continues(b, after)) {
    return null;
  }
  return after.counts.map((c, i) => c - (b.counts == null ? 0 : b.counts[i]));
}

/**
 * The `q` quantile (0 < q <= 1) of latencies counted per bucket: `counts[i]` calls took at most
 * `bounds[i]` ms (and more than the bound before), `counts[bounds.length]` more than every bound.
 * Linear within the bucket the quantile falls in, as Prometheus's histogram_quantile; the highest
 * bound when it falls above every bound; null with no calls.
 */
export function quantile(bounds, counts, q) {
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total <= 0) {
    return null;
  }
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0 && below + counts[i] >= rank) {
      if (i >= bounds.length) {
        return bounds[bounds.length - 1];
      }
      const lower = i === 0 ? 0 : bounds[i - 1];
      return lower + ((bounds[i] - lower) * (rank - below)) / counts[i];
    }
    below += counts[i];
  }
  return bounds[bounds.length - 1];
}

/**
 * One shard's chart points ({t, v}) over `history`: rows written per second and the p99 write
 * latency (ms) between each sample and the one before (no latency point where nothing was
 * written), and the largest replication lag at each sample.
 */
export function shardSeries(history, id) {
  const writes = [];
  const p99 = [];
  const lag = [];
  history.forEach((sample, i) => {
    const now = sample.shards[id];
    if (!now) {
      return;
    }
    if (now.lag != null) {
      lag.push({ t: sample.t, v: now.lag });
    }
    const before = i > 0 ? history[i - 1].shards[id] : undefined;
    if (!before) {
      return;
    }
    const rate = writesPerSecond(before.writes, now.writes, (sample.t - history[i - 1].t) / 1000);
    if (rate != null) {
      writes.push({ t: sample.t, v: rate });
    }
    const delta = bucketDelta(before.writes, now.writes);
    const latency = delta == null ? null : quantile(now.writes.boundsMillis, delta, LATENCY_QUANTILE);
    if (latency != null) {
      p99.push({ t: sample.t, v: latency });
    }
  });
  return { writes, p99, lag };
}

/**
 * The key-range bar: one segment per shard that owns a range ([low, high) in points), in point
 * order, and each move in flight over the range it moves; `left` and `width` in percent of the
 * span from the lowest point shown to the highest. A shard not yet routed to (size 0) has no
 * segment; a finished move is not drawn.
 */
export function keyRangeBar(shards, moves) {
  const segments = (shards || [])
    .filter((s) => s.size > 0)
    .map((s) => ({ shard: s.id, low: s.low, high: s.low + s.size }))
    .sort((a, b) => a.low - b.low);
  const inFlight = (moves || [])
    .filter((m) => !m.finished)
    .map((m) => ({
      id: m.id,
      source: m.source,
      destination: m.destination,
      phase: m.phase,
      low: m.low,
      high: m.low + m.size,
    }));
  const all = segments.concat(inFlight);
  if (all.length === 0) {
    return { low: 0, high: 0, segments: [], moves: [] };
  }
  const low = Math.min(...all.map((r) => r.low));
  const high = Math.max(...all.map((r) => r.high));
  const span = high - low || 1;
  const place = (r) => ({ ...r, left: ((r.low - low) / span) * 100, width: ((r.high - r.low) / span) * 100 });
  return { low, high, segments: segments.map(place), moves: inFlight.map(place) };
}
