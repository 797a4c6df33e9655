import { useState } from 'preact/hooks';
import { call } from './api.js';

/**
 * The data browser: find a key or a key range, insert, update and delete a row by key, and run SQL
 * through /query. Every request is the router's public API, with the logged-in token.
 */
export function DataBrowser({ schema }) {
  if (!schema) {
    return (
      <section>
        <h2>Data</h2>
        <p class="muted">The database has no schema yet (it awaits /init).</p>
      </section>
    );
  }
  return (
    <section>
      <h2>Data: {schema.table}</h2>
      <Find schema={schema} />
      <Edit schema={schema} />
      <Sql />
    </section>
  );
}

/** A typed value for a column from what was typed: numbers for Number and Decimal columns. */
function typed(column, text) {
  if (text === '') {
    return null;
  }
  switch (column.type) {
    case 'Number':
    case 'Decimal': {
      const n = Number(text);
      return Number.isNaN(n) ? text : n;
    }
    case 'Boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

function keyValue(text) {
  const n = Number(text);
  return text !== '' && !Number.isNaN(n) ? n : text;
}

function Outcome({ outcome, testid }) {
  if (!outcome) {
    return null;
  }
  return (
    <p class={outcome.ok ? 'ok' : 'error'} data-testid={testid}>
      {outcome.text}
    </p>
  );
}

function Rows({ columns, rows, testid }) {
  if (!rows) {
    return null;
  }
  const names = columns && columns.length ? columns : rows.length ? Object.keys(rows[0]) : [];
  return (
    <table data-testid={testid}>
      <thead><tr>{names.map((c) => <th key={c}>{c}</th>)}</tr></thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i} data-testid="row">
            {names.map((c) => <td key={c}>{row[c] == null ? '' : String(row[c])}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Find({ schema }) {
  const [low, setLow] = useState('');
  const [high, setHigh] = useState('');
  const [rows, setRows] = useState(null);
  const [outcome, setOutcome] = useState(null);
  const find = async (e) => {
    e.preventDefault();
    const range = { low: keyValue(low), high: keyValue(high === '' ? low : high) };
    try {
      const reply = await call('POST', '/read', { [schema.shardKey]: range });
      setRows(reply.data);
      setOutcome({
        ok: true,
        text: `${reply.data.length} row(s) from shard(s) ${reply.shards_queried.join(', ') || 'none'}`,
      });
    } catch (err) {
      setRows(null);
      setOutcome({ ok: false, text: `${err.message} (HTTP ${err.status})` });
    }
  };
  return (
    <form onSubmit={find} class="inline" data-testid="find">
      <h3>Find by key</h3>
      <label>
        {schema.shardKey} from{' '}
        <input value={low} onInput={(e) => setLow(e.currentTarget.value)} data-testid="find-low" />
      </label>
      <label>
        to (optional){' '}
        <input value={high} onInput={(e) => setHigh(e.currentTarget.value)} data-testid="find-high" />
      </label>
      <button type="submit" data-testid="find-submit">Find</button>
      <Outcome outcome={outcome} testid="find-outcome" />
      <Rows columns={schema.columns.map((c) => c.name)} rows={rows} testid="find-rows" />
    </form>
  );
}

function Edit({ schema }) {
  const [values, setValues] = useState({});
  const [outcome, setOutcome] = useState(null);
  const key = schema.shardKey;
  const row = () => {
    const r = {};
    for (const c of schema.columns) {
      r[c.name] = typed(c, values[c.name] ?? '');
    }
    return r;
  };
  const run = async (what) => {
    try {
      let reply;
      const keyColumn = schema.columns.find((c) => c.name === key);
      const k = typed(keyColumn, values[key] ?? '');
      if (what === 'insert') {
        reply = await call('POST', '/write', { data: [row()] });
      } else if (what === 'update') {
        reply = await call('PUT', '/update', { [key]: k, data: row() });
      } else {
        reply = await call('DELETE', '/del', { [key]: k });
      }
      setOutcome({ ok: true, text: reply.message });
    } catch (err) {
      setOutcome({ ok: false, text: `${err.message} (HTTP ${err.status})` });
    }
  };
  return (
    <form class="inline" onSubmit={(e) => { e.preventDefault(); run('insert'); }} data-testid="edit">
      <h3>Insert, update or delete a row</h3>
      {schema.columns.map((c) => (
        <label key={c.name}>
          {c.name} <span class="muted">{c.type}{c.name === key ? ', key' : ''}</span>{' '}
          <input
            value={values[c.name] ?? ''}
            onInput={(e) => setValues({ ...values, [c.name]: e.currentTarget.value })}
            data-testid={'column-' + c.name}
          />
        </label>
      ))}
      <div>
        <button type="submit" data-testid="insert">Insert</button>
        <button type="button" onClick={() => run('update')} data-testid="update">Update</button>
        <button type="button" onClick={() => run('delete')} data-testid="delete">
          Delete by {key}
        </button>
      </div>
      <Outcome outcome={outcome} testid="edit-outcome" />
    </form>
  );
}

function Sql() {
  const [query, setQuery] = useState('');
  const [reply, setReply] = useState(null);
  const [outcome, setOutcome] = useState(null);
  const run = async (e) => {
    e.preventDefault();
    try {
      const r = await call('POST', '/query', { query });
      setReply(r);
      const parts = [r.message];
      if (Array.isArray(r.data)) {
        parts.push(`${r.data.length} row(s)`);
      } else if (r.rows_affected != null) {
        parts.push(`${r.rows_affected} row(s) affected`);
      }
      setOutcome({ ok: true, text: parts.filter((p) => p).join(' · ') || r.status });
    } catch (err) {
      setReply(null);
      setOutcome({ ok: false, text: `${err.message} (HTTP ${err.status})` });
    }
  };
  const rows = reply && Array.isArray(reply.data) ? reply.data : null;
  return (
    <form onSubmit={run} data-testid="sql">
      <h3>SQL (/query)</h3>
      <textarea
        rows="3"
        value={query}
        placeholder="SELECT * FROM students WHERE Stud_id BETWEEN 0 AND 9999"
        onInput={(e) => setQuery(e.currentTarget.value)}
        data-testid="sql-query"
      />
      <button type="submit" data-testid="sql-submit">Run</button>
      <Outcome outcome={outcome} testid="sql-outcome" />
      <Rows columns={reply && reply.columns} rows={rows} testid="sql-rows" />
    </form>
  );
}
