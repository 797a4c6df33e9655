// The course-booking demo's page (docs/booking-demo.md). Plain JavaScript, no build step.
// Everything it reads and writes goes through the ShardedDB router's data API (/read, /write,
// /del), forwarded unchanged by `kubectl-sdb local booking`; the kill button calls that server's
// local-mode-only /local/kill.
'use strict';

const KEYS_PER_COURSE = 1000; // course c owns keys c*1000 .. c*1000+999 (BookingCatalog)
const ALL_KEYS = { low: 0, high: 1000000 * KEYS_PER_COURSE + KEYS_PER_COURSE - 1 };
const REFRESH_MS = 2000;
const TOKEN_KEY = 'sdb-booking-token';

// ---- Pure rules: rows in, courses and bookings out -------------------------------------------

/** Courses (rows at c*1000) with their bookings (rows c*1000+n, n >= 1) and seats left. */
function model(rows) {
  const courses = new Map();
  const bookings = [];
  for (const row of rows) {
    const key = Number(row.Seat_id);
    const id = Math.floor(key / KEYS_PER_COURSE);
    const seat = key % KEYS_PER_COURSE;
    if (seat === 0) {
      courses.set(id, { id, key, title: String(row.Course), seats: Number(row.Seats), taken: new Set() });
    } else {
      bookings.push({ key, course: id, seat, student: String(row.Student), title: String(row.Course) });
    }
  }
  for (const b of bookings) {
    const c = courses.get(b.course);
    if (c) c.taken.add(b.seat);
  }
  for (const c of courses.values()) c.left = Math.max(0, c.seats - c.taken.size);
  return { courses: [...courses.values()].sort((a, b) => a.id - b.id), bookings };
}

/** The key of the lowest free seat of `course`, or null when it is full. */
function firstFreeSeat(course) {
  for (let n = 1; n <= course.seats; n++) {
    if (!course.taken.has(n)) return course.id * KEYS_PER_COURSE + n;
  }
  return null;
}

// ---- I/O ------------------------------------------------------------------------------------

const state = { token: sessionStorage.getItem(TOKEN_KEY), model: null, kill: null };

async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { ok: false, status: 0, body: { message: 'no answer: ' + e.message } };
  }
  let json = {};
  try { json = await response.json(); } catch (e) { json = { message: 'not JSON (HTTP ' + response.status + ')' }; }
  return { ok: response.ok, status: response.status, body: json };
}

async function readAll() {
  const r = await call('POST', '/read', { Seat_id: ALL_KEYS });
  if (!r.ok) throw new Error((r.body.message || 'read failed') + ' (HTTP ' + r.status + ')');
  return model(r.body.data || []);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}

function time() {
  return new Date().toLocaleTimeString();
}

function show(text, kind) {
  const o = document.getElementById('outcome');
  o.textContent = text;
  o.dataset.kind = kind;
}

/** One line of the activity log; bookings after a kill count towards the kill's summary. */
function log(kind, text, student) {
  const afterKill = state.kill !== null;
  if (afterKill && (kind === 'accepted' || kind === 'refused')) state.kill[kind]++;
  const li = el('li', { 'data-testid': 'log-entry', 'data-outcome': kind, 'data-after-kill': String(afterKill), 'data-student': student },
    time() + ' ' + text);
  const list = document.getElementById('log');
  list.prepend(li);
  while (list.children.length > 100) list.lastChild.remove();
  renderKill();
}

function renderKill() {
  const p = document.getElementById('since-kill');
  if (!state.kill) { p.textContent = ''; return; }
  const k = state.kill;
  p.textContent = 'Since killing ' + k.pod + ' (' + k.role + ' of ' + k.shard + ') at ' + k.at + ': ' +
    k.accepted + ' booking(s) accepted, ' + k.refused + ' refused.';
}

async function refresh() {
  try {
    state.model = await readAll();
    renderCourses();
    renderBookings();
  } catch (e) {
    show('Could not read the courses: ' + e.message, 'error');
  }
  const s = await call('GET', '/local/shard-servers');
  if (s.ok) renderShardServers(s.body.shardServers || []);
}

function renderCourses() {
  const body = document.getElementById('courses');
  body.replaceChildren(...state.model.courses.map(c => el('tr', { 'data-testid': 'course', 'data-course': c.id },
    el('td', { 'data-testid': 'title' }, c.title),
    el('td', {}, c.key + '–' + (c.key + KEYS_PER_COURSE - 1)),
    el('td', {}, c.seats),
    el('td', { 'data-testid': 'seats-left' }, c.left),
    el('td', {}, el('button', { type: 'button', 'data-testid': 'book', onclick: () => book(c.id) },
      c.left > 0 ? 'Book a seat' : 'Full')))));
}

function renderBookings() {
  const body = document.getElementById('bookings');
  body.replaceChildren(...state.model.bookings.map(b => el('tr', { 'data-testid': 'booking', 'data-seat': b.key },
    el('td', {}, b.key),
    el('td', {}, b.title),
    el('td', { 'data-testid': 'booking-student' }, b.student),
    el('td', {}, el('button', { type: 'button', 'data-testid': 'cancel', onclick: () => cancel(b) }, 'Cancel')))));
}

function renderShardServers(servers) {
  const body = document.getElementById('shard-servers');
  body.replaceChildren(...servers.map(s => el('tr', { 'data-testid': 'shard-server', 'data-pod': s.pod, 'data-role': s.role, 'data-shard': s.shard },
    el('td', {}, s.pod),
    el('td', {}, s.shard),
    el('td', {}, s.role),
    el('td', {}, s.ready ? 'ready' : 'not ready'),
    el('td', {}, el('button', { type: 'button', 'data-testid': 'kill', disabled: s.running ? null : 'disabled', onclick: () => kill(s) },
      s.running ? 'Kill' : 'restarting')))));
}

/**
 * Books the lowest free seat of course `id`: one POST /write of that seat's key. If someone took
 * the seat meanwhile the shard answers 409 (the key exists) and the next free seat is tried, at
 * most three times.
 */
async function book(id) {
  const student = document.getElementById('student').value.trim();
  if (!student) { show('Type your name first.', 'error'); return; }
  for (let attempt = 0; attempt < 3; attempt++) {
    let course;
    try {
      course = (await readAll()).courses.find(c => c.id === id);
    } catch (e) {
      show('Booking refused: ' + e.message, 'error');
      log('refused', student + ' → course ' + id + ': ' + e.message, student);
      return;
    }
    const seat = course ? firstFreeSeat(course) : null;
    if (seat === null) {
      show(course ? course.title + ' is full.' : 'No course ' + id + '.', 'error');
      log('refused', student + ' → ' + (course ? course.title : id) + ': full', student);
      return;
    }
    const started = performance.now();
    const r = await call('POST', '/write', { data: [{ Seat_id: seat, Course: course.title, Student: student, Seats: 0 }] });
    const ms = Math.round(performance.now() - started);
    if (r.ok) {
      const where = r.body.executed_on ? ' on ' + r.body.executed_on : '';
      show('Booked seat ' + (seat % KEYS_PER_COURSE) + ' of ' + course.title + ' for ' + student + '.', 'ok');
      log('accepted', student + ' → ' + course.title + ', seat key ' + seat + ' (' + ms + ' ms)' + where + ': ' + r.body.message, student);
      await refresh();
      return;
    }
    if (r.status !== 409) {
      show('Booking refused: ' + r.body.message + ' (HTTP ' + r.status + ')', 'error');
      log('refused', student + ' → ' + course.title + ' (' + ms + ' ms): HTTP ' + r.status + ' ' + r.body.message, student);
      return;
    }
  }
  show('Seats kept being taken; try again.', 'error');
  log('refused', student + ' → course ' + id + ': seats kept being taken', student);
}

async function cancel(b) {
  const r = await call('DELETE', '/del', { Seat_id: b.key });
  if (r.ok) {
    show('Cancelled ' + b.student + "'s seat in " + b.title + '.', 'ok');
    log('cancelled', b.student + ' cancelled ' + b.title + ', seat key ' + b.key);
  } else {
    show('Cancel refused: ' + r.body.message + ' (HTTP ' + r.status + ')', 'error');
    log('cancel-refused', b.student + ' / ' + b.title + ': HTTP ' + r.status + ' ' + r.body.message);
  }
  await refresh();
}

async function kill(s) {
  const r = await call('POST', '/local/kill', { pod: s.pod });
  if (!r.ok) {
    show('Kill refused: ' + r.body.message + ' (HTTP ' + r.status + ')', 'error');
    return;
  }
  state.kill = { pod: s.pod, role: r.body.role || s.role, shard: r.body.shard || s.shard, at: time(), accepted: 0, refused: 0 };
  log('killed', r.body.message + ' — ' + state.kill.role + ' of ' + state.kill.shard);
  show(r.body.message + '. Keep booking: see below how many bookings were accepted since.', 'ok');
  await refresh();
}

function loggedIn() {
  document.getElementById('login').hidden = true;
  document.getElementById('app').hidden = false;
  refresh();
  setInterval(refresh, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('login-form').addEventListener('submit', ev => {
    ev.preventDefault();
    state.token = document.getElementById('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    loggedIn();
  });
  document.getElementById('logout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  if (state.token) loggedIn();
});
