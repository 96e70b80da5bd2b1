// The local console's page: three tabs (Slack, Dashboard, Releases), redrawn whenever the server's
// event stream says the local Slack or the functions' log changed.
import { messageContent, mrkdwn } from './block-kit.js';

const $ = (selector) => document.querySelector(selector);
const escapeHtml = (text) => String(text ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function json(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body;
}

// notes: a press the console's server could not send, by message ts
const state = { tab: 'slack', channel: undefined, thread: undefined, seen: new Map(), data: {}, texts: {}, shells: {}, charts: new Map(), notes: new Map() };

// ---- Slack ----

const timeOf = (ts) => new Date(Number(ts) * 1000);
const clock = (date) => date.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
const dayOf = (date) => (date.toDateString() === new Date().toDateString() ? 'Today' : date.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric' }));
const hasTime = (message) => !message.ts.startsWith('webhook-');

function messageHtml(message, { continued = false, inThread = false } = {}) {
  const key = `${message.ts}:${message.updates}`;
  // a message new or changed since the last redraw flashes, as Slack's jump-to-message does
  const fresh = !inThread && state.seen.size > 0 && !state.seen.has(key);
  state.seen.set(key, true);
  const when = hasTime(message) ? clock(timeOf(message.ts)) : '';
  const edited = message.updates > 0 ? `<span class="edited" title="replaced by chat.update ${message.updates} time${message.updates === 1 ? '' : 's'}">(edited)</span>` : '';
  const replies = message.replies.length;
  const last = replies > 0 && hasTime(message.replies.at(-1)) ? `<span class="last-reply">Last reply today at ${clock(timeOf(message.replies.at(-1).ts))}</span>` : '';
  const thread =
    replies > 0 && !inThread
      ? `<button type="button" class="thread-summary" data-thread="${escapeHtml(message.ts)}"><span class="mini-avatar">RC</span><span class="reply-count">${replies} ${replies === 1 ? 'reply' : 'replies'}</span>${last}<span class="view-thread">View thread</span></button>`
      : '';
  const head = continued
    ? `<div class="gutter-time">${escapeHtml(when)}</div>`
    : `<div class="avatar" aria-hidden="true">RC</div>`;
  const meta = continued ? '' : `<div class="meta"><span class="sender">Release Conductor</span><span class="app-badge">APP</span><time>${escapeHtml(when)}</time></div>`;
  // the answers to presses made here, as Slack shows an ephemeral message: to the one who pressed
  const answers = [...(message.answers ?? []), ...(state.notes.get(message.ts) ?? [])]
    .map((answer) => `<div class="ephemeral"><small>Only visible to you (${escapeHtml(answer.user)})</small>${mrkdwn(answer.text)}</div>`)
    .join('');
  return `<div class="message${continued ? ' continued' : ''}${fresh ? ' fresh' : ''}" data-ts="${escapeHtml(message.ts)}">${head}<div class="message-body">${meta}<div class="blocks">${messageContent(message)}</div>${edited}${answers}${thread}</div></div>`;
}

function messagesHtml(messages, options) {
  let previous;
  return messages
    .map((message) => {
      const date = hasTime(message) ? timeOf(message.ts) : undefined;
      const divider = date && !options?.inThread && (!previous?.date || dayOf(previous.date) !== dayOf(date)) ? `<div class="day-divider"><span>${dayOf(date)}</span></div>` : '';
      // Slack folds a sender's messages within a few minutes under one name
      const continued = !divider && previous?.date && date && date - previous.date < 5 * 60_000;
      previous = { date };
      return divider + messageHtml(message, { ...options, continued });
    })
    .join('');
}

function showSlack() {
  const { channels = [], users = [], canPress = false } = state.data.slack ?? {};
  const picker = $('#acting-user');
  $('.acting-user').hidden = !canPress;
  $('#policy-users').innerHTML = users.map((user) => `<option value="${escapeHtml(user)}">`).join('');
  // the first approver until the person picks another
  if (!picker.dataset.set && users.length) [picker.value, picker.dataset.set] = [users[0], 'yes'];
  const channel = channels.find((candidate) => candidate.id === state.channel) ?? channels[0];
  state.channel = channel?.id;
  $('#channel-list').innerHTML = channels
    .map((one) => `<li><button type="button" class="channel${one.id === channel?.id ? ' active' : ''}" data-channel="${escapeHtml(one.id)}"><span class="hash">#</span>${escapeHtml(one.name)}</button></li>`)
    .join('');
  $('#channel-name').textContent = channel?.name ?? '';
  const list = $('#messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.innerHTML = channel
    ? `<div class="channel-intro"><b>#${escapeHtml(channel.name)}</b><br>Messages the local Slack received (chat.postMessage, chat.update, incoming webhook).</div>${messagesHtml(channel.messages)}`
    : `<div class="channel-intro"><b>Nothing posted yet.</b><br>Push to a local repository (<code>npm run local-repo -- MyDemoRepo</code>) or replay events (<code>npm run replay -- events/samples/codepipeline</code>).</div>`;
  if (atBottom) list.scrollTop = list.scrollHeight;
  const parent = channel?.messages.find((message) => message.ts === state.thread);
  $('#thread').hidden = !parent;
  if (parent) {
    $('#thread-channel').textContent = `#${channel.name}`;
    $('#thread-messages').innerHTML = `${messageHtml(parent, { inThread: true })}<div class="reply-divider"><span>${parent.replies.length} ${parent.replies.length === 1 ? 'reply' : 'replies'}</span></div>${messagesHtml(parent.replies, { inThread: true })}`;
  }
}

// ---- Dashboard ----

async function draw(container, spec) {
  const element = document.querySelector(container);
  // the chart keeps its place while it redraws, so the page does not jump
  element.style.minHeight = `${element.offsetHeight}px`;
  state.charts.get(container)?.finalize();
  state.charts.set(container, await vegaEmbed(element, spec, { actions: false, renderer: 'svg', tooltip: { theme: 'light' } }));
  element.style.minHeight = '';
}

/** Replaces the HTML around the charts only when it changed: a redraw then changes the charts alone. */
function shell(name, element, html) {
  if (state.shells[name] === html) return;
  state.shells[name] = html;
  element.innerHTML = html;
}

const periodWords = (seconds) => (seconds >= 86_400 ? `${seconds / 86_400} day` : seconds >= 3600 ? `${seconds / 3600} hour` : seconds >= 60 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} s`);

async function showDashboard() {
  const dashboard = state.data.dashboard;
  if (!dashboard) return;
  $('#range').textContent = `${clock(new Date(dashboard.from))} – ${clock(new Date(dashboard.to))}, since npm start`;
  shell('dashboard', $('#widgets'), dashboard.widgets
    .map(
      (widget, index) => `<section class="widget" data-title="${escapeHtml(widget.title)}">
        <h2>${escapeHtml(widget.title)}</h2><div class="widget-period">${periodWords(widget.period)} periods</div>
        <div class="chart" id="widget-${index}"></div>
        ${widget.points === 0 ? '<div class="no-data">No data available.</div>' : ''}
        ${widget.notes.map((note) => `<p class="widget-note">${escapeHtml(note)}</p>`).join('')}
      </section>`,
    )
    .join(''));
  await Promise.all(dashboard.widgets.map((widget, index) => draw(`#widget-${index}`, widget.spec)));
}

// ---- Releases ----

function duration(seconds) {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

// each DORA fact the functions claimed for the execution, as docs/dora.md names it
const FACTS = {
  deployment: () => '✓ Production deployment',
  'lead-time': ({ seconds, commitId }) => `Lead time for changes <b>${duration(seconds)}</b> <code>${escapeHtml(commitId.slice(0, 7))}</code>`,
  'failed-deployment': ({ signal }) => `✗ Failed deployment: ${escapeHtml(signal)}`,
  recovery: ({ seconds }) => `Failed deployment recovery time <b>${duration(seconds)}</b>`,
  rework: () => '↻ Rework: deployed while production was failing',
};

function releaseHtml(release, index) {
  const result = release.state.toLowerCase();
  const commit = release.commit;
  const source = commit
    ? `<div class="release-commit">${escapeHtml([commit.repository, commit.branch].filter(Boolean).join(' · '))} <code>${escapeHtml(commit.id.slice(0, 7))}</code>${commit.author ? ` by ${escapeHtml(commit.author)}` : ''}${commit.title ? ` — ${escapeHtml(commit.title)}` : ''}</div>`
    : '';
  const took = release.endedAt ? `<span class="release-took">${duration((Date.parse(release.endedAt) - Date.parse(release.startedAt)) / 1000)} from ${commit?.pushedAt ? 'push' : 'start'} to result</span>` : '';
  // an execution that ended without succeeding deployed nothing: DORA has nothing to count of it
  const why = !release.production ? 'not a production pipeline: no DORA measures' : release.endedAt && release.state !== 'SUCCEEDED' ? `${escapeHtml(result)} execution: not a deployment, no DORA fact` : '';
  const facts = release.dora.map((fact) => `<li class="dora-${escapeHtml(fact.kind)}">${FACTS[fact.kind]?.(fact) ?? escapeHtml(fact.kind)}</li>`);
  const shown = facts.length ? facts : why ? [`<li class="dora-none">${why}</li>`] : [];
  const dora = shown.length ? `<ul class="dora">${shown.join('')}</ul>` : '';
  return `<article class="release" data-execution-id="${escapeHtml(release.executionId)}">
    <header><span class="result result-${escapeHtml(result)}">${escapeHtml(release.state.charAt(0) + release.state.slice(1).toLowerCase())}</span>
      <h2>${escapeHtml(release.pipeline)}</h2><code class="execution">${escapeHtml(release.executionId.slice(0, 8))}</code>${release.production ? '<span class="production">production</span>' : ''}${took}</header>
    ${source}${dora}
    <div class="chart timeline" id="release-${index}"></div>
  </article>`;
}

async function showReleases() {
  const { releases = [] } = state.data.releases ?? {};
  const shown = releases.slice(0, 20);
  shell('releases', $('#release-list'), shown.length ? shown.map(releaseHtml).join('') : '<p class="empty">No pipeline execution in the ledger yet.</p>');
  await Promise.all(shown.map((release, index) => draw(`#release-${index}`, release.spec)));
}

// ---- the page ----

const SOURCES = { slack: '/api/slack', dashboard: () => `/api/dashboard?period=${$('#period').value}`, releases: '/api/releases' };
const SHOW = { slack: showSlack, dashboard: showDashboard, releases: showReleases };

async function load(tab) {
  const source = SOURCES[tab];
  const text = JSON.stringify((state.data[tab] = await json(typeof source === 'function' ? source() : source)));
  const changed = state.texts[tab] !== text;
  state.texts[tab] = text;
  // unchanged, it stays as drawn: a redraw would cut a message's flash short
  if (!changed) return;
  if (tab === state.tab) await SHOW[tab]();
  else document.querySelector(`[data-tab="${tab}"]`).classList.add('unseen');
}

let running;
let again = false;
async function refresh() {
  if (running) return void (again = true);
  running = Promise.all(Object.keys(SOURCES).map(load))
    .then(() => {
      $('#status').textContent = `live · updated ${clock(new Date())}`;
      $('#status').className = 'status live';
    })
    .catch((error) => {
      $('#status').textContent = `cannot read the local stack: ${error.message}`;
      $('#status').className = 'status down';
    });
  await running;
  running = undefined;
  if (again) {
    again = false;
    await refresh();
  }
}

function showTab(tab) {
  state.tab = SHOW[tab] ? tab : 'slack';
  for (const button of document.querySelectorAll('[data-tab]')) {
    const selected = button.dataset.tab === state.tab;
    button.setAttribute('aria-selected', String(selected));
    if (selected) button.classList.remove('unseen');
  }
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== state.tab;
  // charts take their width from their container, so a tab draws once it shows
  if (state.data[state.tab]) void SHOW[state.tab]();
}

/** A press on an interactive button: the console's server sends it to the local endpoint, signed, as Slack would. */
async function press(button) {
  const message = button.closest('[data-ts]');
  const user = $('#acting-user').value.trim();
  if (button.dataset.confirm !== undefined && !window.confirm(button.dataset.confirm)) return;
  const note = (text) => {
    state.notes.set(message.dataset.ts, [...(state.notes.get(message.dataset.ts) ?? []), { user, text }]);
    showSlack();
  };
  button.setAttribute('aria-busy', 'true');
  try {
    const response = await fetch('/api/press', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: state.channel, ts: message.dataset.ts, actionId: button.dataset.actionId, value: button.dataset.value, user }),
    });
    // what came of it (the endpoint's refusal, a modal opened) the server tells with the answers
    if (!response.ok) note(`The press was not sent: ${(await response.json()).error ?? response.statusText}`);
    else await load('slack');
  } catch (error) {
    note(`The press was not sent: ${error.message}`);
  } finally {
    button.removeAttribute('aria-busy');
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('button.sk-button[data-action-id]');
  if (button && state.data.slack?.canPress) return void press(button);
  const target = event.target.closest('[data-tab], [data-channel], [data-thread], .close-thread');
  if (!target) return;
  if (target.dataset.tab) location.hash = target.dataset.tab;
  else if (target.dataset.channel) [state.channel, state.thread] = [target.dataset.channel, undefined];
  else if (target.dataset.thread) state.thread = target.dataset.thread;
  else state.thread = undefined;
  if (!target.dataset.tab) showSlack();
});
window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));
$('#period').addEventListener('change', () => void load('dashboard'));

showTab(location.hash.slice(1));
const events = new EventSource('/api/events');
events.onmessage = () => void refresh();
events.onerror = () => {
  $('#status').textContent = 'reconnecting to the console…';
  $('#status').className = 'status down';
};
