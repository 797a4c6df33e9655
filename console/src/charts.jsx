// The console's charts and key-range bar, drawn as plain SVG from what metrics.js computes
// (docs/console.md, "Charts"). Sizes and positions are SVG attributes, never inline styles (the
// console's CSP allows styles from its own stylesheet only).
import { keyRangeBar, shardSeries } from './metrics.js';

const WIDTH = 300;
const HEIGHT = 70;
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#65a30d', '#db2777'];

/** A shard's colour on the bar: by its position among the shards, stable while they stay. */
function colour(i) {
  return PALETTE[i % PALETTE.length];
}

/** A readable number: whole above 10, one decimal below 10, two below 1. */
function short(v) {
  if (v == null) {
    return '–';
  }
  const a = Math.abs(v);
  if (a === 0) {
    return '0';
  }
  return a >= 10 ? String(Math.round(v)) : a >= 1 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * One small time chart: points {t, v} over [from, to] (ms), the y axis from 0 to the largest
 * value. `dots` draws points only (a series with gaps, where a line would invent values);
 * `empty` is said while there is no point.
 */
function Chart({ name, shard, title, unit, points, from, to, dots, empty }) {
  const max = Math.max(0, ...points.map((p) => p.v));
  const top = max > 0 ? max * 1.1 : 1;
  const span = to - from || 1;
  const x = (t) => (((t - from) / span) * (WIDTH - 4) + 2).toFixed(1);
  const y = (v) => (HEIGHT - 2 - (v / top) * (HEIGHT - 14)).toFixed(1);
  const last = points.length > 0 ? points[points.length - 1].v : null;
  return (
    <figure
      class="chart"
      data-testid="chart"
      data-chart={name}
      data-shard={shard}
      data-points={points.length}
      data-last={last == null ? '' : String(last)}
      data-max={String(max)}
    >
      <figcaption>
        {title} <b>{short(last)}</b> <span class="muted">{unit} · max {short(max)}</span>
      </figcaption>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <line class="axis" x1="0" y1={HEIGHT - 2} x2={WIDTH} y2={HEIGHT - 2} />
        {points.length === 0 ? (
          <text class="empty" x={WIDTH / 2} y={HEIGHT / 2} text-anchor="middle">
            {empty}
          </text>
        ) : null}
        {!dots && points.length > 1 ? (
          <polyline class="series" points={points.map((p) => `${x(p.t)},${y(p.v)}`).join(' ')} />
        ) : null}
        {dots || points.length === 1
          ? points.map((p) => <circle class="series-dot" key={p.t} cx={x(p.t)} cy={y(p.v)} r="2" />)
          : null}
      </svg>
    </figure>
  );
}

/** A shard's three charts over the page's samples: writes/s, p99 write latency, replication lag. */
export function ShardCharts({ history, shard }) {
  const series = shardSeries(history, shard);
  const from = history.length > 0 ? history[0].t : 0;
  const to = history.length > 0 ? history[history.length - 1].t : 0;
  return (
    <div class="charts" data-testid="charts">
      <Chart name="writes" shard={shard} title="writes/s" unit="rows/s" points={series.writes} from={from} to={to} empty="from the second sample on" />
      <Chart
        name="p99"
        shard={shard}
        title="p99 write latency"
        unit="ms"
        points={series.p99}
        from={from}
        to={to}
        dots
        empty="no writes acknowledged since the page opened"
      />
      <Chart name="lag" shard={shard} title="replication lag" unit="entries" points={series.lag} from={from} to={to} empty="no lag reported" />
    </div>
  );
}

/**
 * The key range of every shard side by side, and above it each move in flight (source →
 * destination, its range and phase).
 */
export function KeyRangeBar({ shards, moves, sharding }) {
  const bar = keyRangeBar(shards, moves);
  if (bar.segments.length === 0) {
    return null;
  }
  const order = new Map(shards.map((s, i) => [s.id, i]));
  return (
    <section>
      <h2>Key ranges</h2>
      <p class="muted">
        {sharding === 'Hash' ? 'Points are 32-bit hashes of the key' : 'Points are keys'}: [{bar.low},{' '}
        {bar.high}). Each shard owns the range under its name; a move in flight is drawn above the range it
        moves.
      </p>
      <svg class="keyrange" data-testid="keyrange-bar" data-low={bar.low} data-high={bar.high} width="100%" height="58">
        {bar.moves.map((m) => (
          <g
            key={m.id}
            data-testid="keyrange-move"
            data-source={m.source}
            data-destination={m.destination}
            data-phase={m.phase}
            data-low={m.low}
            data-high={m.high}
          >
            <title>
              move {m.source} → {m.destination} [{m.low}, {m.high}) {m.phase}
            </title>
            <rect class="move" x={`${m.left}%`} y="0" width={`${m.width}%`} height="16" />
            <text class="move-label" x={`${m.left + m.width / 2}%`} y="12" text-anchor="middle">
              {m.source} → {m.destination} {m.phase}
            </text>
          </g>
        ))}
        {bar.segments.map((s) => (
          <g key={s.shard} data-testid="keyrange-segment" data-shard={s.shard} data-low={s.low} data-high={s.high}>
            <title>
              {s.shard} [{s.low}, {s.high})
            </title>
            <rect
              class="segment"
              x={`${s.left}%`}
              y="20"
              width={`${s.width}%`}
              height="24"
              fill={colour(order.get(s.shard) ?? 0)}
            />
            <text class="segment-label" x={`${s.left + s.width / 2}%`} y="37" text-anchor="middle">
              {s.shard}
            </text>
            <text class="bound" x={`${s.left}%`} y="56" dx="2">
              {s.low}
            </text>
          </g>
        ))}
        <text class="bound" x="100%" y="56" dx="-2" text-anchor="end">
          {bar.high}
        </text>
      </svg>
    </section>
  );
}
