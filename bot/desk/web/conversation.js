// The conversation pane: what was written since the handoff (live), the chat box
// with a typing indicator, and the actions: accept, transfer with a note, back to
// the bot, end with a disposition.
import { api, clock, h } from './api.js';

const STATUS = { waiting: 'Waiting', with_agent: 'With agent', ended: 'Ended', abandoned: 'Left the queue' };
const path = (contact, action) => `/api/desk/contacts/${encodeURIComponent(contact.contactId)}/${action}`;

function messageItem(m) {
  const who = m.from === 'customer' ? 'Customer' : m.from === 'agent' ? m.name || 'Agent' : m.from === 'bot' ? 'Bot' : 'Desk';
  return h('li', { class: `msg from-${m.from}` }, h('p', { class: 'msg-meta' }, `${who} · ${clock(m.at)}`), h('p', { class: 'msg-text' }, m.text));
}

/** Whether the signed-in agent holds this contact (and may write). */
export const holds = (contact, me) => contact.status === 'with_agent' && contact.agent && contact.agent.id === me.agent.id && !contact.offer;

/** Whether a colleague transferred this contact to the signed-in agent, who has not answered yet. */
export const offeredToMe = (contact, me) => Boolean(contact.offer) && contact.status === 'with_agent' && contact.agent && contact.agent.id === me.agent.id;

export function renderConversation(contact, ui) {
  const me = ui.me;
  const mine = holds(contact, me);
  const list = h('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': 'Messages since the handoff' }, contact.sinceHandoff.map(messageItem));
  const typing = h('p', { class: 'typing', hidden: true, 'aria-live': 'polite' }, `${contact.handoff.customer.name || 'The customer'} is typing…`);
  const box = h('textarea', {
    id: 'composer',
    rows: 3,
    placeholder: mine ? 'Write to the customer — Enter sends, Shift+Enter for a new line' : 'Accept the contact to write to the customer',
    disabled: !mine,
    'aria-label': 'Message to the customer',
    maxlength: 2000,
  });
  const sendButton = h('button', { type: 'submit', class: 'primary', disabled: !mine }, 'Send');
  let lastTyping = 0;
  box.addEventListener('input', () => {
    if (Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    api.post(path(contact, 'typing')).catch(() => {});
  });
  const send = async () => {
    const text = box.value.trim();
    if (!text) return;
    sendButton.disabled = true;
    try {
      const message = await api.post(path(contact, 'messages'), { text });
      box.value = '';
      ui.addMessage(contact.contactId, message);
    } catch (err) {
      ui.toast(err.message, 'error');
    } finally {
      sendButton.disabled = false;
      box.focus();
    }
  };
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send();
    }
  });
  const composer = h(
    'form',
    {
      class: 'composer',
      onsubmit: (e) => {
        e.preventDefault();
        void send();
      },
    },
    box,
    sendButton,
  );

  const act = async (action, body, done) => {
    try {
      const result = await api.post(path(contact, action), body);
      await done(result);
    } catch (err) {
      ui.toast(err.message, 'error');
      await ui.refresh();
    }
  };
  const offered = offeredToMe(contact, me);
  const actions = h(
    'div',
    { class: 'actions' },
    contact.status === 'waiting' || offered
      ? h('button', { type: 'button', class: 'primary', id: 'accept', onclick: () => act('accept', {}, (c) => ui.opened(c, 'accepted')) }, 'Accept', h('kbd', {}, 'a'))
      : null,
    offered ? h('button', { type: 'button', id: 'decline', onclick: () => declineDialog(contact, ui) }, 'Decline', h('kbd', {}, 'd')) : null,
    mine ? h('button', { type: 'button', id: 'transfer', onclick: () => transferDialog(contact, ui) }, 'Transfer', h('kbd', {}, 't')) : null,
    mine ? h('button', { type: 'button', id: 'back-to-bot', onclick: () => act('back-to-bot', {}, () => ui.closed('Handed back to the bot.')) }, 'Back to bot', h('kbd', {}, 'b')) : null,
    mine ? h('button', { type: 'button', id: 'end', class: 'danger', onclick: () => endDialog(contact, ui) }, 'End', h('kbd', {}, 'e')) : null,
  );
  const c = contact.handoff.customer;
  return h(
    'div',
    { class: 'conversation-inner', 'data-contact': contact.contactId, 'data-status': contact.status },
    h(
      'header',
      { class: 'conversation-head' },
      h(
        'div',
        {},
        h('h2', {}, c.name || 'Unknown customer'),
        h(
          'p',
          { class: 'muted' },
          `${contact.intentLabel || 'Not understood'} · ${ui.queueLabel(contact.queue)} · `,
          offered
            ? h('span', { class: 'status status-offered' }, 'Offered to you')
            : h('span', { class: `status status-${contact.status}` }, STATUS[contact.status] || contact.status),
          contact.agent && !mine && !offered ? ` (${contact.agent.name})` : '',
        ),
      ),
      actions,
    ),
    offered ? offerBanner(contact.offer) : null,
    list,
    typing,
    composer,
  );
}

/** Who passed the contact on, and their note (text nodes only: the note is an agent's words). */
function offerBanner(offer) {
  return h(
    'div',
    { class: 'offer-banner', role: 'status' },
    h('p', {}, h('strong', {}, `${offer.fromName} is transferring this contact to you.`), ' Accept to take it, or decline and it waits in its queue again.'),
    offer.note ? h('p', { class: 'offer-note' }, offer.note) : null,
  );
}

function declineDialog(contact, ui) {
  const reason = h('input', { id: 'decline-reason', type: 'text', maxlength: 500, placeholder: 'Why (optional): the next agent reads it' });
  dialog('Decline the transfer', [h('label', {}, 'Reason', reason), h('p', { class: 'muted' }, 'The contact waits in its queue again, at its place.')], 'Decline', async () => {
    await api.post(path(contact, 'decline'), { reason: reason.value });
    await ui.closed('Declined: the contact is back in its queue.');
  });
  reason.focus();
}

/** Appends a message to the open conversation's list, once. */
export function appendMessage(root, message) {
  const list = root.querySelector('.messages');
  if (!list) return;
  const item = messageItem(message);
  const key = `${message.at}|${message.from}|${message.text}`;
  if ([...list.children].some((li) => li.dataset.key === key)) return;
  item.dataset.key = key;
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

function dialog(title, body, submitLabel, onSubmit) {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    {
      method: 'dialog',
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        try {
          await onSubmit();
          dlg.close();
        } catch (err) {
          error.textContent = err.message;
        }
      },
    },
    h('h2', {}, title),
    body,
    error,
    h('div', { class: 'dialog-buttons' }, h('button', { type: 'button', onclick: () => dlg.close() }, 'Cancel'), h('button', { type: 'submit', class: 'primary' }, submitLabel)),
  );
  const dlg = h('dialog', { class: 'desk-dialog' }, form);
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

function transferDialog(contact, ui) {
  const target = h(
    'select',
    { id: 'transfer-target', required: true, 'aria-label': 'Transfer to' },
    h('option', { value: '' }, 'Choose a queue or a colleague…'),
    h('optgroup', { label: 'Queues' }, ui.me.queues.filter((q) => q.queue !== contact.queue).map((q) => h('option', { value: `queue:${q.queue}` }, q.label))),
    h('optgroup', { label: 'Colleagues' }, ui.me.agents.map((a) => h('option', { value: `agent:${a.id}` }, a.name))),
  );
  const note = h('textarea', { id: 'transfer-note', rows: 3, maxlength: 1000, placeholder: 'A private note for the next agent: what you did, what is left' });
  dialog(
    'Transfer',
    [h('label', {}, 'To', target), h('label', {}, 'Note (only agents see it)', note)],
    'Transfer',
    async () => {
      const [kind, id] = target.value.split(/:(.*)/);
      if (!id) throw new Error('Choose where the contact goes.');
      await api.post(path(contact, 'transfer'), { [kind === 'agent' ? 'agentId' : 'queue']: id, note: note.value });
      await ui.closed(kind === 'agent' ? 'Transferred: offered to your colleague with your note.' : 'Transferred with your note.');
    },
  );
  target.focus();
}

function endDialog(contact, ui) {
  const choices = ui.me.dispositions.map((d) =>
    h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'disposition', value: d.code, required: true }), d.label),
  );
  dialog('End the contact', [h('fieldset', { class: 'dispositions' }, h('legend', {}, 'Disposition'), choices), h('p', { class: 'muted' }, 'The bot then asks the customer the satisfaction question.')], 'End', async () => {
    const picked = document.querySelector('input[name="disposition"]:checked');
    if (!picked) throw new Error('Choose a disposition.');
    await api.post(path(contact, 'end'), { disposition: picked.value });
    await ui.closed('Ended. The customer is asked for a score.');
  });
  choices[0]?.querySelector('input')?.focus();
}
