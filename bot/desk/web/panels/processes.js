// Guided processes on the contact's card: the processes that fit this contact,
// the running one's form (checked here by the browser, then by the server), a
// failed action to retry, and what was done. Talks to /api/desk/contacts/:id/processes.
import { clock, h } from '../api.js';

const style = h('link', { rel: 'stylesheet', href: '/agent/panels/processes.css' });
document.head.append(style);

/** What the agent typed into a form, kept while the card re-renders (a transfer, a new message). */
const drafts = new Map();

window.FrontlineDesk.registerPanel({
  id: 'processes',
  title: 'Guided processes',
  render(box, contact, { api, toast, reload }) {
    const body = h('div', { class: 'processes', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
    box.append(body);
    const base = `/api/desk/contacts/${encodeURIComponent(contact.contactId)}/processes`;
    let focusForm = false;

    const show = (panel) => {
      body.replaceChildren(...view(panel));
      if (focusForm) body.querySelector('form input, form select')?.focus();
      focusForm = false;
    };
    const act = async (what, payload = {}, button) => {
      if (button) button.disabled = true;
      try {
        const panel = await api.post(`${base}/${what}`, payload);
        focusForm = true;
        show(panel);
        if (!panel.running && what !== 'cancel' && panel.done[0]) toast(`${panel.done[0].label}: done.`);
      } catch (err) {
        const problem = body.querySelector('.process-form .process-problem');
        if (err.fields) markFields(body, err.fields);
        // What the back office refused belongs to the form the agent mends.
        else if (err.code === 'ActionFailed' && problem) problem.textContent = err.message;
        else toast(err.message, 'error');
        if (err.code === 'Stale' || err.code === 'NotYours') await reload();
      } finally {
        if (button) button.disabled = false;
      }
    };

    function view(panel) {
      const out = [];
      if (panel.running) out.push(runningView(panel.running, panel.canAct));
      else if (panel.canAct) out.push(...choices(panel));
      else if (!panel.done.length) out.push(h('p', { class: 'muted' }, 'Accept the contact to start a process.'));
      if (panel.done.length) out.push(doneList(panel.done));
      return out;
    }

    function choices(panel) {
      const start = (p) =>
        h(
          'li',
          { class: 'process-option', 'data-process': p.process },
          h('button', { type: 'button', class: 'small primary', onclick: (e) => act('start', { process: p.process }, e.currentTarget) }, `Start: ${p.label}`),
          p.description ? h('p', { class: 'muted small' }, p.description) : null,
        );
      const out = [];
      if (panel.proposed.length) out.push(h('ul', { class: 'process-options' }, panel.proposed.map(start)));
      else out.push(h('p', { class: 'muted' }, 'No process fits this request.'));
      if (panel.more.length)
        out.push(h('details', { class: 'process-more' }, h('summary', {}, `Other processes for this customer (${panel.more.length})`), h('ul', { class: 'process-options' }, panel.more.map(start))));
      return out;
    }

    function runningView(run, canAct) {
      const head = h('p', { class: 'process-head' }, h('strong', {}, run.label), h('span', { class: 'muted small' }, ` · started by ${run.agentName}`));
      const cancel = canAct ? h('button', { type: 'button', class: 'small danger', onclick: (e) => act('cancel', {}, e.currentTarget) }, 'Cancel the process') : null;
      if (!run.form)
        return h(
          'div',
          { class: 'process-run', 'data-process': run.process },
          head,
          h('p', { class: 'process-problem', role: 'alert' }, run.problem || 'This process is waiting.'),
          h('div', { class: 'process-buttons' }, canAct && run.status === 'failed' ? h('button', { type: 'button', class: 'small primary', onclick: (e) => act('retry', {}, e.currentTarget) }, 'Try again') : null, cancel),
        );
      const key = `${contact.contactId}:${run.run}:${run.form.form}`;
      const draft = drafts.get(key) || {};
      const form = h(
        'form',
        { class: 'process-form', 'data-form': run.form.form },
        h('h4', {}, run.form.title),
        run.form.text ? h('p', { class: 'process-text' }, run.form.text) : null,
        h('fieldset', { disabled: !canAct }, run.form.fields.map((f) => fieldView(f, draft[f.field]))),
        h('p', { class: 'process-problem', role: 'alert' }),
        h('div', { class: 'process-buttons' }, h('button', { type: 'submit', class: 'primary', disabled: !canAct }, run.form.submit), cancel),
      );
      form.addEventListener('input', () => drafts.set(key, valuesOf(form, run.form.fields)));
      liveBounds(form, run.form.fields);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        void act('submit', { form: run.form.form, values: valuesOf(form, run.form.fields) }, form.querySelector('button[type=submit]')).then(() => {
          if (!body.querySelector(`form[data-form="${run.form.form}"] .field-error:not(:empty)`)) drafts.delete(key);
        });
      });
      return h('div', { class: 'process-run', 'data-process': run.process }, head, form);
    }

    function doneList(done) {
      return h(
        'ul',
        { class: 'process-done' },
        done.map((d) =>
          h(
            'li',
            { class: `process-${d.status}`, 'data-process': d.process, 'data-outcome': d.outcome || '' },
            h('p', {}, h('strong', {}, `${d.status === 'completed' ? '✓' : '✗'} ${d.label}`), h('span', { class: 'muted small' }, ` · ${d.agentName} · ${clock(d.at)}`)),
            d.notes.map((n) => h('p', { class: 'small' }, n)),
            d.status === 'cancelled' ? h('p', { class: 'muted small' }, 'Cancelled') : null,
          ),
        ),
      );
    }

    api.get(base).then(show, (err) => body.replaceChildren(h('p', { class: 'muted' }, err.message)));
  },
});

/** One labelled field, with the browser's own checks for its type. */
function fieldView(f, drafted) {
  const id = `pf-${f.field}`;
  const value = drafted ?? f.value ?? '';
  const common = { id, name: f.field, required: f.required, 'aria-describedby': `${id}-error` };
  let input;
  if (f.type === 'yesno')
    input = h(
      'div',
      { class: 'process-yesno', role: 'radiogroup', 'aria-labelledby': `${id}-label` },
      f.choices.map((c) =>
        h('label', {}, h('input', { type: 'radio', name: f.field, value: c.value, required: f.required, checked: value === c.value }), ` ${c.label}`),
      ),
    );
  else if (f.type === 'choice')
    input = h('select', common, h('option', { value: '' }, 'Choose…'), (f.choices || []).map((c) => h('option', { value: c.value, selected: value === c.value }, c.label)));
  else if (f.type === 'number') input = h('input', { ...common, type: 'number', value, min: f.min?.value ?? undefined, max: f.max?.value ?? undefined, step: 'any' });
  else if (f.type === 'date') input = h('input', { ...common, type: 'date', value });
  else if (f.type === 'amount') input = h('input', { ...common, type: 'text', inputmode: 'decimal', value, pattern: '\\$?[0-9,]+(\\.[0-9]{1,2})?' });
  else if (f.type === 'postcode') input = h('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', value });
  else input = h('input', { ...common, type: 'text', maxlength: f.maxLength, value });
  const hint = f.help || f.min || f.max ? h('p', { class: 'muted small field-hint' }, hintText(f, {})) : null;
  return h(
    'div',
    { class: 'process-field', 'data-field': f.field },
    f.type === 'yesno' ? h('p', { id: `${id}-label`, class: 'field-label' }, f.label) : h('label', { for: id, class: 'field-label' }, f.label, f.required ? '' : ' (optional)'),
    input,
    hint,
    h('p', { id: `${id}-error`, class: 'field-error', role: 'alert' }),
  );
}

/**
 * A bound for what the form holds now: a number, or the one that follows the choice made in its
 * field ("up to the amount of the invoice": $80.00 once the invoice is picked). Null: not known yet.
 */
function boundNow(b, values) {
  if (!b) return null;
  if (!b.byChoice) return b.value === null ? null : { value: b.value, shown: b.shown ?? String(b.value) };
  const chosen = values[b.byChoice.field];
  return chosen && chosen in b.byChoice.values ? { value: b.byChoice.values[chosen], shown: b.byChoice.shown?.[chosen] ?? String(b.byChoice.values[chosen]) } : null;
}

/** The help under a field, with its bounds as they stand for the form's values: "(from $0.01 up to $80.00, the amount of the invoice)". */
function hintText(f, values) {
  const bound = (b) => {
    const now = boundNow(b, values);
    return now ? [now.shown, b.what].filter(Boolean).join(', ') : b.what || '';
  };
  const bounds = f.min || f.max ? ` (${[f.min ? `from ${bound(f.min)}` : '', f.max ? `up to ${bound(f.max)}` : ''].filter(Boolean).join(' ')})` : '';
  return `${f.help || ''}${bounds}`.trim();
}

/**
 * Keeps each bounded field's hint, min and max in step with the form (the invoice picked sets the
 * credit's limit), and refuses an amount over it before the form is sent; the server checks again.
 */
function liveBounds(form, fields) {
  const bounded = fields.filter((f) => (f.type === 'amount' || f.type === 'number') && (f.min || f.max));
  if (!bounded.length) return;
  const update = () => {
    const values = valuesOf(form, fields);
    for (const f of bounded) {
      const box = form.querySelector(`[data-field="${CSS.escape(f.field)}"]`);
      const input = box?.querySelector('input');
      if (!input) continue;
      const [min, max] = [boundNow(f.min, values), boundNow(f.max, values)];
      for (const [attr, b] of [['min', min], ['max', max]]) b ? input.setAttribute(attr, String(b.value)) : input.removeAttribute(attr);
      box.querySelector('.field-hint').textContent = hintText(f, values);
      // A text box (amounts take "$40") has no max of its own: say it, as the server would.
      const n = Number(String(input.value).trim().replace(/^\$/, '').replace(/,/g, ''));
      const problem =
        input.value.trim() === '' || !Number.isFinite(n)
          ? ''
          : max && n > max.value
            ? `at most ${max.shown}${f.max.what ? ` (${f.max.what})` : ''}`
            : min && n < min.value
              ? `at least ${min.shown}${f.min.what ? ` (${f.min.what})` : ''}`
              : '';
      input.setCustomValidity(problem);
      const error = box.querySelector('.field-error');
      if (problem || error.dataset.live) error.textContent = problem;
      error.dataset.live = problem ? '1' : '';
    }
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  update();
}

function valuesOf(form, fields) {
  const data = new FormData(form);
  return Object.fromEntries(fields.map((f) => [f.field, String(data.get(f.field) ?? '')]));
}

/** The server's word on each field, under the field. */
function markFields(body, fields) {
  for (const el of body.querySelectorAll('.field-error')) el.textContent = '';
  for (const [field, problem] of Object.entries(fields)) {
    const el = body.querySelector(`[data-field="${CSS.escape(field)}"] .field-error`);
    if (el) el.textContent = problem;
  }
}
