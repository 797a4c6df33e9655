import { useEffect, useState } from 'preact/hooks';
import { consoleStatus, RouterError, storedToken, storeToken } from './api.js';
import { KeyRangeBar, ShardCharts } from './charts.jsx';
import { DataBrowser } from './data.jsx';
import { appendSample, sampleOf } from './metrics.js';

const POLL_MS = 2000;

/** The whole console: the login box until a token works, then the database's pages. */
export function App() {
  const [token, setToken] = useState(storedToken());
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [updated, setUpdated] = useState(null);
  // The charts' samples, kept in this page only (docs/console.md, "Charts").
  const [history, setHistory] = useState([]);

  useEffect(() => {
    let stopped = false;
    let timer = null;
    const poll = async () => {
      try {
        const s = await consoleStatus();
        if (!stopped) {
          const now = new Date();
          setStatus(s);
          setHistory((h) => appendSample(h, sampleOf(s, now.getTime())));
          setError(null);
          setUpdated(now);
        }
      } catch (e) {
        if (stopped) {
          return;
        }
        if (e instanceof RouterError && e.status === 401) {
          // No token yet, or a wrong one: back to the login box (saying so only if one was tried).
          storeToken(null);
          setToken(null);
          setError(token ? 'The router refused the token (401). Enter the data token.' : null);
          return;
        }
        setError(e.message);
      }
      if (!stopped) {
        timer = setTimeout(poll, POLL_MS);
      }
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token]);

  const logout = () => {
    storeToken(null);
    setToken(null);
    setStatus(null);
    setHistory([]);
  };

  if (!token && (status === null || error)) {
    return <Login error={error} onLogin={(t) => { storeToken(t); setError(null); setToken(t); }} />;
  }
  return (
    <div class="console">
      <header>
        <h1>
          ShardedDB <span data-testid="database">{status ? status.database : '…'}</span>
        </h1>
        <span class="muted">
          {updated ? 'updated ' + updated.toLocaleTimeString() : 'loading…'}
        </span>
        {token ? <button onClick={logout}>Log out</button> : null}
      </header>
      {error ? <p class="error" data-testid="status-error">{error}</p> : null}
      {status ? <Database status={status} history={history} /> : null}
      {status ? <DataBrowser schema={status.schema} /> : null}
    </div>
  );
}

function Login({ error, onLogin }) {
  const [value, setValue] = useState('');
  const submit = (e) => {
    e.preventDefault();
    if (value.trim()) {
      onLogin(value.trim());
    }
  };
  return (
    <form class="login" onSubmit={submit} data-testid="login">
      <h1>ShardedDB console</h1>
      <p>
        Enter the router's data token (the <code>token</code> key of the Secret{' '}
        <code>&lt;db&gt;-router-token</code>; <code>kubectl-sdb local up</code> prints it). It is kept
        in this tab's session storage only.
      </p>
      <input
        type="password"
        name="token"
        autocomplete="off"
        placeholder="token"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
        data-testid="token"
      />
      <button type="submit" data-testid="login-submit">Log in</button>
      {error ? <p class="error" data-testid="login-error">{error}</p> : null}
    </form>
  );
}

function Database({ status, history }) {
  return (
    <>
      <section>
        <h2>Database</h2>
        <dl class="facts">
          <dt>namespace</dt><dd>{status.namespace}</dd>
          <dt>topology from</dt><dd>{status.source}</dd>
          <dt>topology version</dt><dd data-testid="topology-version">{status.topologyVersion}</dd>
          <dt>sharding</dt><dd>{status.sharding}</dd>
          <dt>write quorum</dt><dd>{status.writeQuorum}</dd>
          {status.generation != null ? (
            <>
              <dt>generation</dt>
              <dd>{status.generation} (observed {status.observedGeneration ?? '–'})</dd>
            </>
          ) : null}
          {status.router ? (
            <>
              <dt>routers ready</dt><dd>{status.router.readyReplicas ?? 0}</dd>
            </>
          ) : null}
        </dl>
        <Conditions conditions={status.conditions} />
      </section>
      <KeyRangeBar shards={status.shards} moves={status.moves} sharding={status.sharding} />
      <Shards shards={status.shards} history={history} />
      <Moves moves={status.moves} />
      <Events events={status.events} note={status.eventsNote} />
    </>
  );
}

function Conditions({ conditions }) {
  if (!conditions || conditions.length === 0) {
    return null;
  }
  return (
    <table data-testid="conditions">
      <thead><tr><th>condition</th><th>status</th><th>reason</th><th>message</th></tr></thead>
      <tbody>
        {conditions.map((c) => (
          <tr key={c.type} data-condition={c.type}>
            <td>{c.type}</td>
            <td class={c.status === 'True' ? 'ok' : 'warn'}>{c.status}</td>
            <td>{c.reason}</td>
            <td>{c.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Shards({ shards, history }) {
  return (
    <section>
      <h2>Shards</h2>
      {shards.length === 0 ? <p class="muted">No shards yet (the database awaits /init).</p> : null}
      {shards.map((s) => (
        <div class="shard" key={s.id} data-testid="shard" data-shard={s.id}>
          <h3>
            {s.id} <span class="muted">points [{s.low}, {s.low + s.size})</span>
          </h3>
          <p>
            primary <b data-testid="primary">{s.primary ?? 'none'}</b> at epoch{' '}
            <b data-testid="epoch">{s.epoch}</b>
            {s.readyReplicas != null ? <span class="muted"> · {s.readyReplicas} ready</span> : null}
            {s.primaryUnavailableSince ? (
              <span class="warn"> · primary unavailable since {s.primaryUnavailableSince}</span>
            ) : null}
          </p>
          {s.bestWeightedMajority ? (
            <p class="muted" data-testid="best-weighted-majority">
              best-weighted majority (Cabinet, weight = 1/(ack latency ms + lag + 1), as the primary
              measures it; it acknowledges writes with writeQuorum Cabinet): {s.bestWeightedMajority.join(', ')}
            </p>
          ) : null}
          <ShardCharts history={history} shard={s.id} />
          <table>
            <thead>
              <tr>
                <th>replica</th><th>role</th><th>health</th><th>state</th><th>epoch</th>
                <th>applied LSN</th><th>lag</th><th>weight</th><th>address</th>
              </tr>
            </thead>
            <tbody>
              {s.replicas.map((r) => (
                <tr key={r.name} data-testid="replica" data-replica={r.name} data-role={r.role}>
                  <td>{r.name}</td>
                  <td data-testid="role">{r.role}</td>
                  <td class={r.health === 'healthy' ? 'ok' : 'warn'} data-testid="health">{r.health}</td>
                  <td>{r.state ?? '–'}{r.copyProgress != null ? ` ${r.copyProgress}%` : ''}</td>
                  <td>{r.epoch ?? '–'}</td>
                  <td>{r.appliedLsn ?? '–'}</td>
                  <td data-testid="lag">{r.lagLsn ?? '–'}</td>
                  <td data-testid="weight" title={r.ackLatencyMillis != null ? `ack latency ${r.ackLatencyMillis.toFixed(1)} ms` : undefined}>
                    {r.weight != null ? r.weight.toFixed(3) : '–'}
                  </td>
                  <td class="muted">{r.url}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function Moves({ moves }) {
  return (
    <section>
      <h2>Resharding moves</h2>
      {moves.length === 0 ? (
        <p class="muted" data-testid="no-moves">No moves recorded.</p>
      ) : (
        <table data-testid="moves">
          <thead>
            <tr>
              <th>move</th><th>from</th><th>to</th><th>range</th><th>phase</th><th>rows copied</th>
              <th>source LSN</th><th>pause</th><th>message</th>
            </tr>
          </thead>
          <tbody>
            {moves.map((m) => (
              <tr key={m.id} data-testid="move">
                <td>{m.finished ? 'finished' : 'in flight'}</td>
                <td>{m.source}</td>
                <td>{m.destination}</td>
                <td>[{m.low}, {m.low + m.size})</td>
                <td>{m.phase}</td>
                <td>{m.rowsCopied ?? '–'}</td>
                <td>{m.sourceLsn ?? '–'}</td>
                <td>{m.pauseMillis != null ? m.pauseMillis + ' ms' : '–'}</td>
                <td>{m.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Events({ events, note }) {
  return (
    <section>
      <h2>Recent events</h2>
      {note ? <p class="muted" data-testid="events-note">{note}</p> : null}
      <table data-testid="events">
        <thead><tr><th>time (UTC)</th><th>from</th><th>type</th><th>reason</th><th>message</th></tr></thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={i} data-testid="event" data-reason={e.reason}>
              <td class="time">{e.time ? e.time.replace('T', ' ').replace('Z', '') : ''}</td>
              <td>{e.source}</td>
              <td class={e.type === 'Warning' ? 'warn' : ''}>{e.type}</td>
              <td>{e.reason}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

