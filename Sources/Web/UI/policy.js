// The access policy page: the roles in force (what each allows, when, through which view), the
// policy file's text, and "explain a decision": what the gate would decide for one access and
// why, as `rampart policy check` says it. Nothing is granted or changed.
import { api } from '/ui/api.js';
import { el, field, sortableTable } from '/ui/dom.js';

const ACTIONS = ['retrieve', 'query', 'store', 'delete', 'administer', 'audit', 'associate'];
const CHANNELS = ['ui', 'dicomweb', 'dimse', 'rest', 'cli'];
const AUTHENTICATIONS = ['', 'password', 'mfa', 'token', 'certificate', 'api-key', 'registered-ae'];

function choice(label, name, options, describe = (o) => o) {
  const id = `f-${name}`;
  return el('div', {}, el('label', { for: id }, label),
    el('select', { id, name }, ...options.map((o) => el('option', { value: o }, describe(o)))));
}

function viewText(view) {
  if (!view) return '';
  const parts = [];
  if (view.removed) parts.push(`${view.removed} removed`);
  if (view.replaced) parts.push(`${view.replaced} replaced`);
  if (view.removesPrivateAttributes) parts.push('private attributes removed');
  return parts.length ? `${view.name} (${parts.join(', ')})` : view.name;
}

function explainForm(result, problem) {
  const form = el('form', { id: 'explain-form', class: 'inline', 'aria-label': 'Explain a decision' },
    choice('Who is', 'kind', ['user', 'ae', 'service'], (o) => ({ user: 'a user', ae: 'an AE', service: 'a service' })[o]),
    field('Name or AE title', 'who', 'text', { required: true }),
    field('Roles instead of the account\'s (comma-separated)', 'roles'),
    choice('Action', 'action', ACTIONS),
    choice('Channel', 'channel', CHANNELS),
    field('From address', 'from', 'text', { placeholder: '127.0.0.1' }),
    choice('Authenticated by', 'auth', AUTHENTICATIONS, (o) => o || 'the usual way'),
    field('Purpose of use', 'purpose', 'text', { placeholder: 'TREAT' }),
    field('Client certificate SHA-256', 'certificateSHA256'),
    field('At (ISO 8601 with zone)', 'at', 'text', { placeholder: '2026-11-24T22:30:00Z' }),
    field('Person name', 'personName', 'text', { placeholder: 'Family^Given' }),
    field('Institution (store)', 'institution'),
    field('Referring physician (store)', 'referringPhysician'),
    el('button', { type: 'submit' }, 'Explain'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const question = { [data.get('kind')]: data.get('who'), action: data.get('action'), channel: data.get('channel') };
    const roles = String(data.get('roles')).split(',').map((r) => r.trim()).filter(Boolean);
    if (roles.length) question.roles = roles;
    for (const name of ['from', 'auth', 'purpose', 'certificateSHA256', 'at', 'personName', 'institution', 'referringPhysician']) {
      if (data.get(name)) question[name] = data.get(name);
    }
    result.replaceChildren(el('p', {}, 'Asking…'));
    try {
      const answer = await api.post('/api/policy/explain', question);
      // Through el(), which leaves out the parts that do not apply (replaceChildren would write "null").
      result.replaceChildren(...el('div', {},
        el('p', { id: 'explain-decision', class: answer.allowed ? 'allowed' : 'denied' }, `${answer.allowed ? 'ALLOWED' : 'DENIED'}: ${answer.access}`),
        el('p', {}, el('strong', {}, 'Why: '), el('span', { id: 'explain-reason' }, answer.reason)),
        answer.roles.length ? sortableTable([
          { title: 'Role', value: (v) => v.role },
          { title: 'Allows', value: (v) => (v.allows ? 'yes' : 'no') },
          { title: 'Why', value: (v) => v.why },
        ], answer.roles) : null,
        answer.allowed ? el('p', {}, `View: ${viewText(answer.view)} · studies: ${answer.studies}`) : null,
        answer.brokeTheGlass ? el('p', { class: 'warning' }, 'Break-the-glass: this access would be flagged for review.') : null,
        ...answer.notes.map((note) => el('p', { class: 'hint' }, `Note: ${note}`)),
        el('p', { class: 'hint' }, `Decided with ${answer.policy}, at ${answer.at}.`)).childNodes);
    } catch (error) {
      result.replaceChildren(problem(error));
    }
  });
  return form;
}

export async function policyPage(show, problem) {
  const page = el('section', {}, el('h1', {}, 'Policy'), el('p', {}, 'Loading…'));
  show(page, 'Policy');
  try {
    const policy = await api.get('/api/policy');
    const result = el('div', { id: 'explain-result', 'aria-live': 'polite' });
    page.replaceChildren(
      el('h1', {}, 'Policy'),
      el('div', { class: 'card' }, el('h2', {}, 'Roles'),
        el('p', {}, `From ${policy.source}; times in ${policy.timeZone}; the emergency purpose of use is ${policy.emergencyPurpose}.`),
        el('div', { id: 'policy-roles' }, sortableTable([
          { title: 'Role', value: (r) => r.name },
          { title: 'Allows', value: (r) => r.actions.join(', ') },
          { title: 'When', value: (r) => r.conditions.join('; ') || 'always' },
          { title: 'Studies', value: (r) => r.studies.join('; ') || 'every study' },
          { title: 'View', value: (r) => viewText(r.view) },
          { title: 'Access groups', value: (r) => r.accessGroups.join(', ') },
          { title: 'Break the glass', value: (r) => (r.breakTheGlass ? 'yes' : 'no') },
        ], policy.roles)),
        policy.yaml
          ? el('details', {}, el('summary', {}, 'The policy file'), el('pre', { class: 'source' }, policy.yaml))
          : el('p', { class: 'hint' }, 'No policy.yaml: the built-in policy holds.')),
      el('div', { class: 'card' }, el('h2', {}, 'Explain a decision'),
        el('p', { class: 'hint' }, 'What the gate would decide for one access, and why, role by role: as rampart policy check. Nothing is granted.'),
        explainForm(result, problem), result));
  } catch (error) {
    page.replaceChildren(el('h1', {}, 'Policy'), problem(error));
  }
}
