// The agent desk page: sign-in, the queues the agent serves (live over
// Server-Sent Events), the open contact's conversation and context card,
// notifications and keyboard shortcuts.
import { api, channelLabel, DeskError, h, syncClock, useSession, waited } from './api.js';
import { renderCard } from './card.js';
import { appendMessage, holds, offeredToMe, renderConversation } from './conversation.js';

const $ = (id) => document.getElementById(id);
/** A queue's label from the content ("Customer Care" for customer_care). */
const queueLabel = (queue) => ui.me?.queues.find((q) => q.queue === queue)?.label || queue;
const baseTitle = document.title;

const ui = {
  me: null,
  queues: [],
  mine: [],
  open: null,
  seenWaiting: null,
  seenOffers: new Set(),
  unseen: 0,
  panels: [],
  offerAnswers: new Map(),
  toast,
  refresh,
  queueLabel: (queue) => queueLabel(queue),
  reload: () => (ui.open ? openContact(ui.open.contactId) : Promise.resolve()),
  addMessage: (contactId, m) => ui.open && ui.open.contactId === contactId && appendMessage($('conversation'), m),
  opened: (contact, how) => showContact(contact, how),
  closed: async (message) => {
    ui.open = null;
    $('conversation').replaceChildren(emptyState());
    $('card').replaceChildren();
    toast(message);
    await refresh();
  },
};

/** Other desk features add a panel to the card: { id, title, render(container, contact, { api, toast, reload }) }. */
window.FrontlineDesk = { registerPanel: (panel) => ui.panels.push(panel) };

function toast(message, kind = 'info', action) {
  const item = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('span', {}, message), action || null);
  $('toasts').append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 6000);
}

function emptyState() {
  return h('div', { class: 'empty' }, h('p', {}, 'No contact open.'), h('p', { class: 'muted' }, 'Pick one from a queue, or press ', h('kbd', {}, 'a'), ' to accept the next.'));
}

// ---- sign-in ----

async function showSignIn(message) {
  ui.me = null;
  $('desk').hidden = true;
  $('agent-bar').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  const { csrf } = await api.get('/api/desk/sign-in');
  useSession(csrf);
  $('agent-id').focus();
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('signin-button');
  button.disabled = true;
  $('signin-error').textContent = '';
  try {
    const me = await api.post('/api/desk/sign-in', { agentId: $('agent-id').value, password: $('password').value });
    $('password').value = '';
    await startDesk(me);
  } catch (err) {
    $('signin-error').textContent = err.message;
    if (err.code === 'Forbidden') await showSignIn(err.message);
  } finally {
    button.disabled = false;
  }
});

$('sign-out').addEventListener('click', async () => {
  await api.post('/api/desk/sign-out').catch(() => {});
  clearTimeout(reopening);
  events?.close();
  await showSignIn('Signed out.');
});

// ---- the desk ----

let events = null;

async function startDesk(me) {
  ui.me = me;
  useSession(me.csrf, () => void showSignIn('Your session ended: sign in again.'));
  syncClock(me.now);
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('agent-bar').hidden = false;
  $('agent-name').textContent = me.agent.name;
  $('agent-queues').textContent = me.agent.queues.length ? `Serving ${me.agent.queues.map(queueLabel).join(', ')}` : 'No queues';
  $('notify').hidden = !('Notification' in window) || Notification.permission !== 'default';
  $('conversation').replaceChildren(emptyState());
  await Promise.all((me.panels || []).map((p) => import(`/agent/${p}`).catch(() => toast(`A desk panel (${p}) did not load.`, 'error'))));
  await refresh();
  connect();
}

/** Pause before the desk opens its event stream again itself (doubling to 30 s; back to 1 s once live). */
let retryMs = 1000;
let reopening = null;

function connect() {
  clearTimeout(reopening);
  events?.close();
  const source = (events = new EventSource('/api/desk/events'));
  const live = $('live');
  source.addEventListener('ready', () => {
    retryMs = 1000;
    live.textContent = 'Live';
    live.className = 'live on';
    void refresh();
  });
  source.addEventListener('error', () => {
    live.textContent = 'Reconnecting…';
    live.className = 'live off';
    // A dropped stream the browser opens again by itself; an error answer (a 500 while the store is down) ends
    // it for good. Then the desk tries again, slower each time, while the agent is still signed in.
    if (source.readyState !== EventSource.CLOSED) return;
    reopening = setTimeout(() => {
      if (ui.me && events === source) connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 30_000);
  });
  let pending = null;
  source.addEventListener('contact', (e) => {
    const { contact } = JSON.parse(e.data);
    notifyOffer(contact);
    clearTimeout(pending);
    pending = setTimeout(() => void refresh(), 100);
    if (ui.open && ui.open.contactId === contact.contactId) void openContact(contact.contactId, true);
  });
  source.addEventListener('message', (e) => {
    const { contactId, message } = JSON.parse(e.data);
    ui.addMessage(contactId, message);
    if (message.from === 'customer') $('conversation').querySelector('.typing')?.setAttribute('hidden', '');
  });
  let typingTimer = null;
  source.addEventListener('typing', (e) => {
    const { contactId, from } = JSON.parse(e.data);
    if (from !== 'customer' || !ui.open || ui.open.contactId !== contactId) return;
    const typing = $('conversation').querySelector('.typing');
    typing?.removeAttribute('hidden');
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => typing?.setAttribute('hidden', ''), 5000);
  });
}

async function refresh() {
  if (!ui.me) return;
  try {
    const [{ queues, now }, { contacts }] = await Promise.all([api.get('/api/desk/queues'), api.get('/api/desk/mine')]);
    syncClock(now);
    ui.queues = queues;
    ui.mine = contacts;
  } catch (err) {
    if (!(err instanceof DeskError && err.status === 401)) toast(err.message, 'error');
    return;
  }
  notifyArrivals();
  renderLists();
}

/** A colleague transferred a contact to this agent: told at once, with a way to open it. */
function notifyOffer(c) {
  if (!c.offer || !c.agent || c.agent.id !== ui.me.agent.id || ui.seenOffers.has(`${c.contactId}|${c.offer.at}`)) return;
  ui.seenOffers.add(`${c.contactId}|${c.offer.at}`);
  const text = `${c.offer.fromName} is transferring ${c.customerName || 'a customer'} to you`;
  toast(text, 'arrival', h('button', { type: 'button', class: 'small', onclick: () => void openContact(c.contactId) }, 'Open'));
  if ('Notification' in window && Notification.permission === 'granted' && document.hidden) new Notification('Frontline desk', { body: text, tag: c.contactId });
}

function notifyArrivals() {
  const waiting = ui.queues.flatMap((q) => q.waiting.map((c) => ({ ...c, label: q.label })));
  const first = ui.seenWaiting === null;
  const fresh = first ? [] : waiting.filter((c) => !ui.seenWaiting.has(c.contactId));
  ui.seenWaiting = new Set(waiting.map((c) => c.contactId));
  for (const c of fresh) {
    const text = `New contact in ${c.label}: ${c.customerName || 'Unknown customer'} — ${c.intentLabel || 'not understood'}`;
    toast(text, 'arrival', h('button', { type: 'button', class: 'small', onclick: () => void openContact(c.contactId) }, 'Open'));
    if ('Notification' in window && Notification.permission === 'granted' && document.hidden) new Notification('Frontline desk', { body: text, tag: c.contactId });
  }
  ui.unseen = document.hasFocus() ? 0 : ui.unseen + fresh.length;
  document.title = `${waiting.length ? `(${waiting.length} waiting) ` : ''}${ui.unseen ? '• ' : ''}${baseTitle}`;
}

window.addEventListener('focus', () => {
  ui.unseen = 0;
  notifyArrivals();
});

function contactButton(c, extra) {
  const open = ui.open && ui.open.contactId === c.contactId;
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: `contact-item${open ? ' open' : ''}`,
        dataset: { contactId: c.contactId, queue: c.queue },
        'aria-current': open ? 'true' : undefined,
        onclick: () => void openContact(c.contactId),
      },
      h('span', { class: 'line1' }, h('strong', {}, c.customerName || 'Unknown customer'), h('span', { class: 'wait', dataset: { since: c.enqueuedAt } }, waited(c.enqueuedAt))),
      h('span', { class: 'line2' }, c.intentLabel || 'Not understood'),
      h(
        'span',
        { class: 'line3' },
        h('span', { class: `chip segment segment-${c.segment}` }, c.segment),
        h('span', { class: 'chip' }, channelLabel(c.channel)),
        c.offer ? h('span', { class: 'chip offered' }, `Offered by ${c.offer.fromName}`) : null,
        extra || null,
      ),
    ),
  );
}

/** The contact's priority in words, explained by the legend above the queues (and its title on hover). */
function priorityChip(priority) {
  return h(
    'span',
    { class: 'chip priority', title: `Priority ${priority}: served before lower numbers`, 'aria-describedby': 'priority-legend' },
    `Priority ${priority}`,
  );
}

function renderLists() {
  $('mine').replaceChildren(
    h('h2', {}, 'My contacts ', h('span', { class: 'count' }, String(ui.mine.length))),
    ui.mine.length ? h('ul', { class: 'contact-list' }, ui.mine.map((c) => contactButton(c))) : h('p', { class: 'muted small' }, 'None right now.'),
  );
  $('queues').replaceChildren(
    ...ui.queues.map((q) =>
      h(
        'section',
        { class: 'queue', 'data-queue': q.queue },
        h('h2', {}, q.label, ' ', h('span', { class: `count${q.waiting.length ? ' busy' : ''}` }, String(q.waiting.length))),
        q.waiting.length
          ? h('ul', { class: 'contact-list' }, q.waiting.map((c) => contactButton(c, priorityChip(c.priority))))
          : h('p', { class: 'muted small' }, 'Nobody waiting.'),
      ),
    ),
  );
}

setInterval(() => document.querySelectorAll('.wait[data-since]').forEach((el) => (el.textContent = waited(el.dataset.since))), 1000);

async function openContact(contactId, quiet = false) {
  try {
    const contact = await api.get(`/api/desk/contacts/${encodeURIComponent(contactId)}`);
    showContact(contact, quiet ? 'quiet' : 'opened');
  } catch (err) {
    if (!quiet) toast(err.message, 'error');
  }
}

function showContact(contact, how) {
  const keepDraft = ui.open && ui.open.contactId === contact.contactId ? $('composer')?.value : '';
  ui.open = contact;
  $('conversation').replaceChildren(renderConversation(contact, ui));
  $('card').replaceChildren(renderCard(contact, ui));
  const composer = $('composer');
  if (composer && keepDraft) composer.value = keepDraft;
  if (how === 'accepted') {
    toast(`You have ${contact.handoff.customer.name || 'the customer'}: the customer is told you joined.`);
    void refresh();
  }
  if (how !== 'quiet' && holds(contact, ui.me)) composer?.focus();
  renderLists();
}

async function acceptNext() {
  const next = ui.queues
    .flatMap((q) => q.waiting)
    .sort((a, b) => b.priority - a.priority || a.enqueuedAt.localeCompare(b.enqueuedAt))[0];
  if (!next) return toast('Nobody is waiting in your queues.');
  try {
    showContact(await api.post(`/api/desk/contacts/${encodeURIComponent(next.contactId)}/accept`), 'accepted');
  } catch (err) {
    toast(err.message, 'error');
    await refresh();
  }
}

// ---- keyboard ----

document.addEventListener('keydown', (e) => {
  if (!ui.me || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
  const typing = e.target.closest?.('input, textarea, select');
  if (e.key === 'Escape' && typing) return e.target.blur();
  if (typing) return;
  const click = (id) => $(id)?.click();
  const keys = {
    a: () => ($('accept') && ui.open && offeredToMe(ui.open, ui.me) ? click('accept') : void acceptNext()),
    d: () => click('decline'),
    t: () => click('transfer'),
    b: () => click('back-to-bot'),
    e: () => click('end'),
    '/': () => $('composer')?.focus(),
    '?': () => $('shortcuts').showModal(),
    j: () => moveInList(1),
    k: () => moveInList(-1),
  };
  if (keys[e.key]) {
    e.preventDefault();
    keys[e.key]();
  }
});

function moveInList(step) {
  const items = [...document.querySelectorAll('.contact-item')];
  if (!items.length) return;
  const at = items.indexOf(document.activeElement);
  items[Math.max(0, Math.min(items.length - 1, at + step))].focus();
}

$('notify').addEventListener('click', async () => {
  await Notification.requestPermission();
  $('notify').hidden = Notification.permission !== 'default';
});
$('help').addEventListener('click', () => $('shortcuts').showModal());

api
  .get('/api/desk/me')
  .then(startDesk)
  .catch(() => showSignIn());
