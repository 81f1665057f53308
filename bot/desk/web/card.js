// The context card: who, why, what the bot did, the intent's summary sections,
// next-best-action prompts (accept/decline recorded), private notes, panels
// (guided processes …) and the full transcript, collapsed.
import { api, channelLabel, clock, h } from './api.js';

const pct = (c) => (c === null || c === undefined ? '' : ` · ${Math.round(c * 100)}% sure`);

function section(title, ...body) {
  return h('section', { class: 'card-section' }, h('h3', {}, title), ...body);
}

function who(contact) {
  const c = contact.handoff.customer;
  return section(
    'Who',
    h(
      'p',
      { class: 'who' },
      h('strong', { class: 'customer-name' }, c.name || 'Unknown customer'),
      c.id ? h('span', { class: 'muted' }, ` · ${c.id}`) : null,
    ),
    h(
      'p',
      { class: 'chips' },
      h('span', { class: `chip segment segment-${c.segment}` }, c.segment),
      h('span', { class: 'chip' }, `strategy: ${c.strategy}`),
      h('span', { class: 'chip' }, `${c.intensity}`),
      h('span', { class: `chip ${c.verified ? 'ok' : 'warn'}`, 'data-verified': String(c.verified) }, c.verified ? '✓ Verified' : '⚠ Not verified'),
      h('span', { class: 'chip' }, channelLabel(contact.channel)),
    ),
  );
}

function why(contact) {
  const { intent, reason, words } = contact.handoff;
  return section(
    'Why',
    h('p', { class: 'intent' }, h('strong', {}, intent ? intent.label : 'Not understood'), h('span', { class: 'muted' }, intent ? pct(intent.confidence) : '')),
    reason ? h('p', { class: 'reason' }, reason) : null,
    words.length ? h('div', { class: 'words' }, words.map((w) => h('blockquote', {}, w))) : null,
  );
}

function botDid(contact) {
  const actions = contact.handoff.botActions;
  return section('What the bot did', actions.length ? h('ul', { class: 'bot-actions' }, actions.map((a) => h('li', {}, a))) : h('p', { class: 'muted' }, 'Nothing yet: handed straight over.'));
}

function summary(contact) {
  return contact.handoff.summary.map((s) =>
    h('section', { class: 'card-section summary', 'data-section': s.section }, h('h3', {}, s.title), h('ul', {}, s.lines.map((l) => h('li', {}, l)))),
  );
}

function nextBest(contact, ui) {
  const actions = contact.handoff.nextBestActions;
  if (!actions.length) return null;
  return section(
    'Next best actions',
    h(
      'ul',
      { class: 'nba' },
      actions.map((a) => {
        const answered = ui.offerAnswers.get(`${contact.contactId}:${a.offer}`);
        const record = async (answer, li) => {
          try {
            await api.post(`/api/desk/contacts/${encodeURIComponent(contact.contactId)}/offers`, { offer: a.offer, answer });
            ui.offerAnswers.set(`${contact.contactId}:${a.offer}`, answer);
            li.replaceWith(offerItem(a, answer));
          } catch (err) {
            ui.toast(err.message, 'error');
          }
        };
        return offerItem(a, answered, record);
      }),
    ),
  );
}

function offerItem(action, answered, record) {
  const li = h('li', { class: `nba-item kind-${action.kind}`, 'data-offer': action.offer }, h('p', {}, action.prompt));
  if (answered) li.append(h('p', { class: `nba-answer ${answered}` }, answered === 'accepted' ? '✓ Accepted' : '✗ Declined'));
  else
    li.append(
      h(
        'div',
        { class: 'nba-buttons' },
        h('button', { type: 'button', class: 'small primary', onclick: () => record('accepted', li) }, 'Accept'),
        h('button', { type: 'button', class: 'small', onclick: () => record('declined', li) }, 'Decline'),
      ),
    );
  return li;
}

function notes(contact) {
  if (!contact.notes.length) return null;
  return section(
    'Notes from colleagues',
    h(
      'ul',
      { class: 'notes' },
      contact.notes.map((n) => h('li', {}, h('p', {}, n.text), h('p', { class: 'muted' }, `${n.agentName} · ${clock(n.at)}`))),
    ),
  );
}

function transcript(contact) {
  const lines = contact.handoff.transcript;
  return h(
    'details',
    { class: 'card-section transcript' },
    h('summary', {}, `Full transcript with the bot (${lines.length} ${lines.length === 1 ? 'line' : 'lines'})`),
    h(
      'ol',
      {},
      lines.map((t) => h('li', { class: `from-${t.from}` }, h('span', { class: 'muted' }, `${clock(t.at)} ${t.from === 'bot' ? 'Bot' : 'Customer'}: `), t.text)),
    ),
  );
}

/** The card of `contact`, with the panels other desk features registered (each gets a container). */
export function renderCard(contact, ui) {
  const panels = ui.panels.map((panel) => {
    const box = h('section', { class: 'card-section panel', 'data-panel': panel.id }, h('h3', {}, panel.title));
    try {
      panel.render(box, contact, { api, toast: ui.toast, reload: ui.reload });
    } catch (err) {
      box.append(h('p', { class: 'muted' }, `This panel failed: ${err.message}`));
    }
    return box;
  });
  return h(
    'div',
    { class: 'card', 'data-contact': contact.contactId },
    who(contact),
    why(contact),
    notes(contact),
    botDid(contact),
    summary(contact),
    nextBest(contact, ui),
    panels,
    transcript(contact),
  );
}
