// Unit tests of the charts' arithmetic (metrics.js), run by `node --test` (no dependencies):
// `npm test`, and the console module's Maven test phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendSample,
  bucketDelta,
  keyRangeBar,
  maxLag,
  quantile,
  sampleOf,
  shardSeries,
  writesPerSecond,
} from './metrics.js';

const BOUNDS = [1, 2, 5, 10];

function writes(calls, rows, counts) {
  return { calls, rows, boundsMillis: BOUNDS, counts };
}

function status(shards) {
  return { shards };
}

function shard(id, low, size, w, lags = []) {
  return {
    id,
    low,
    size,
    writes: w,
    replicas: [
      { name: id + '-0', role: 'Primary', lagLsn: 0 },
      ...lags.map((lag, i) => ({ name: id + '-' + (i + 1), role: 'Secondary', lagLsn: lag })),
    ],
  };
}

test('writes per second are the rows written between two samples over the seconds between them', () => {
  assert.equal(writesPerSecond(writes(1, 10, [1, 0, 0, 0, 0]), writes(3, 30, [3, 0, 0, 0, 0]), 2), 10);
  // Nothing counted before the shard's first write: the first counts are all new.
  assert.equal(writesPerSecond(null, writes(1, 4, [1, 0, 0, 0, 0]), 2), 2);
  assert.equal(writesPerSecond(null, null, 2), 0);
});

test('a router that restarted (counts fell) or no time passing gives no rate', () => {
  assert.equal(writesPerSecond(writes(5, 50, [5, 0, 0, 0, 0]), writes(1, 2, [1, 0, 0, 0, 0]), 2), null);
  assert.equal(writesPerSecond(writes(5, 50, [5, 0, 0, 0, 0]), null, 2), null);
  assert.equal(writesPerSecond(writes(1, 1, [1, 0, 0, 0, 0]), writes(2, 2, [2, 0, 0, 0, 0]), 0), null);
});

test('the calls per bucket between two samples are the differences of their counts', () => {
  assert.deepEqual(bucketDelta(writes(2, 2, [1, 1, 0, 0, 0]), writes(5, 5, [1, 3, 1, 0, 0])), [0, 2, 1, 0, 0]);
  assert.deepEqual(bucketDelta(null, writes(1, 1, [0, 0, 1, 0, 0])), [0, 0, 1, 0, 0]);
  assert.equal(bucketDelta(writes(1, 1, [0, 0, 1, 0, 0]), null), null);
});

test('the p99 is interpolated within the bucket it falls in, as histogram_quantile does', () => {
  // 100 calls: 98 within 1 ms, 2 between 5 and 10 ms; the 99th lies halfway into the 10 ms bucket.
  assert.equal(quantile(BOUNDS, [98, 0, 0, 2, 0], 0.99), 7.5);
  // All in the first bucket: a fraction of its bound.
  assert.equal(quantile(BOUNDS, [10, 0, 0, 0, 0], 0.5), 0.5);
  // Above every bound: the highest bound.
  assert.equal(quantile(BOUNDS, [0, 0, 0, 0, 3], 0.99), 10);
  assert.equal(quantile(BOUNDS, [0, 0, 0, 0, 0], 0.99), null);
});

test('the lag shown is the largest among the replicas other than the primary', () => {
  assert.equal(maxLag(shard('sh1', 0, 10, null, [3, 7])), 7);
  assert.equal(maxLag({ id: 'sh1', replicas: [{ role: 'Primary', lagLsn: 4 }] }), null);
});

test('the history keeps the newest samples only', () => {
  let h = [];
  for (let i = 0; i < 5; i++) {
    h = appendSample(h, { t: i, shards: {} }, 3);
  }
  assert.deepEqual(
    h.map((s) => s.t),
    [2, 3, 4],
  );
});

test("a shard's series has a rate and a p99 per interval with writes, and its lag at every sample", () => {
  const h = [
    sampleOf(status([shard('sh1', 0, 10, null, [0, 0])]), 0),
    sampleOf(status([shard('sh1', 0, 10, writes(2, 8, [0, 2, 0, 0, 0]), [1, 2])]), 2000),
    sampleOf(status([shard('sh1', 0, 10, writes(2, 8, [0, 2, 0, 0, 0]), [0, 0])]), 4000),
  ];
  const s = shardSeries(h, 'sh1');
  assert.deepEqual(s.writes, [
    { t: 2000, v: 4 },
    { t: 4000, v: 0 },
  ]);
  // Two calls in the 1-2 ms bucket; none in the last interval, so no latency point there.
  assert.deepEqual(s.p99, [{ t: 2000, v: 1.99 }]);
  assert.deepEqual(
    s.lag.map((p) => p.v),
    [0, 2, 0],
  );
  assert.deepEqual(shardSeries(h, 'sh9'), { writes: [], p99: [], lag: [] });
});

test('the bar has one segment per routed shard in point order, and each move in flight over its range', () => {
  const bar = keyRangeBar(
    [
      { id: 'sh2', low: 4096, size: 4096 },
      { id: 'sh1', low: 0, size: 4096 },
      { id: 'sh3', low: 0, size: 0 },
    ],
    [
      { id: 'm1', source: 'sh1', destination: 'sh3', low: 2048, size: 2048, phase: 'Copying', finished: false },
      { id: 'm0', source: 'sh2', destination: 'sh1', low: 4096, size: 100, phase: 'Done', finished: true },
    ],
  );
  assert.equal(bar.low, 0);
  assert.equal(bar.high, 8192);
  assert.deepEqual(
    bar.segments.map((s) => [s.shard, s.low, s.high, s.left, s.width]),
    [
      ['sh1', 0, 4096, 0, 50],
      ['sh2', 4096, 8192, 50, 50],
    ],
  );
  assert.deepEqual(
    bar.moves.map((m) => [m.source, m.destination, m.phase, m.low, m.high, m.left, m.width]),
    [['sh1', 'sh3', 'Copying', 2048, 4096, 25, 25]],
  );
  assert.deepEqual(keyRangeBar([], []), { low: 0, high: 0, segments: [], moves: [] });
});
