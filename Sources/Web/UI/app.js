// The web UI: a page per hash route, each built from the server's APIs with the session
// cookie. Nothing is shown before a login: the login form is all an anonymous visitor sees.
import { api, ApiError, beginProviderLogin, currentSession, endProviderLogin, identityProviders, login, logout, value } from '/ui/api.js';
import { el, field, sortableTable } from '/ui/dom.js';
import { viewerPage } from '/ui/viewer.js';
import { certificatesCard, exposureCard, settingsCard } from '/ui/admin.js';
import { auditInsights } from '/ui/audit.js';
import { policyPage } from '/ui/policy.js';

const view = document.getElementById('view');
const loginView = document.getElementById('login-view');
const nav = document.getElementById('nav');
let session = null;

const PAGE = 25;
const T = {
  patientName: '00100010', patientID: '00100020', birthDate: '00100030', studyDate: '00080020', accession: '00080050',
  modalities: '00080061', description: '00081030', studyUID: '0020000D', seriesUID: '0020000E', modality: '00080060',
  seriesDescription: '0008103E', seriesNumber: '00200011', studySeries: '00201206', studyInstances: '00201208', seriesInstances: '00201209',
};

function show(node, title) {
  document.title = `${title} · Rampart`;
  view.replaceChildren(node);
  for (const link of nav.querySelectorAll('a')) {
    link.toggleAttribute('aria-current', location.hash.startsWith(`#/${link.dataset.view}`));
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  document.getElementById('main').focus();
}

function problem(error) {
  if (error instanceof ApiError && error.status === 401) { signedOut(); return el('p'); }
  return el('p', { class: 'error', role: 'alert' }, error.message);
}

function signedOut(message) {
  session = null;
  nav.hidden = true;
  view.replaceChildren();
  loginView.hidden = false;
  document.title = 'Log in · Rampart';
  document.getElementById('login-error').textContent = typeof message === 'string' ? message : '';
  showProviders();
  document.getElementById('username').focus();
}

// "Log in with …" for each identity provider the server offers.
async function showProviders() {
  const list = document.getElementById('providers');
  let providers = [];
  try { providers = await identityProviders(); } catch { /* the password form still works */ }
  list.replaceChildren(...providers.map((provider) => el('button', {
    type: 'button', class: 'secondary', 'data-provider': provider.id,
    onclick: async () => {
      try { await beginProviderLogin(provider.id); } catch (failure) { document.getElementById('login-error').textContent = failure.message; }
    },
  }, `Log in with ${provider.displayName}`)));
}

function signedIn(current) {
  session = current;
  loginView.hidden = true;
  nav.hidden = false;
  document.getElementById('whoami').textContent = `${current.user} (${current.roles.join(', ') || 'no role'})`;
  route();
}

// --- Studies -------------------------------------------------------------------------

function studiesPage() {
  const form = el('form', { class: 'inline', 'aria-label': 'Find studies' },
    field('Patient name', 'name'), field('Patient ID', 'pid'), field('From', 'from', 'date'), field('To', 'to', 'date'),
    field('Modality', 'modality'), field('Accession', 'accession'),
    el('button', { type: 'submit' }, 'Search'));
  const results = el('div', { id: 'results' });
  let offset = 0;
  const search = async () => {
    const data = new FormData(form);
    const query = new URLSearchParams({ limit: String(PAGE + 1), offset: String(offset), fuzzymatching: 'true', includefield: 'StudyDescription' });
    if (data.get('name')) query.set('PatientName', `${data.get('name')}*`);
    if (data.get('pid')) query.set('PatientID', data.get('pid'));
    if (data.get('from') || data.get('to')) query.set('StudyDate', `${(data.get('from') || '').replaceAll('-', '')}-${(data.get('to') || '').replaceAll('-', '')}`);
    if (data.get('modality')) query.set('ModalitiesInStudy', data.get('modality').toUpperCase());
    if (data.get('accession')) query.set('AccessionNumber', data.get('accession'));
    results.replaceChildren(el('p', {}, 'Searching…'));
    try {
      const studies = await api.get(`/dicomweb/studies?${query}`);
      const page = studies.slice(0, PAGE);
      const pager = el('div', { class: 'pager' },
        el('button', { type: 'button', class: 'secondary', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); search(); } }, 'Previous'),
        el('span', {}, page.length ? `Studies ${offset + 1}–${offset + page.length}` : 'No study matches'),
        el('button', { type: 'button', class: 'secondary', disabled: studies.length <= PAGE, onclick: () => { offset += PAGE; search(); } }, 'Next'));
      results.replaceChildren(sortableTable([
        { title: 'Patient', value: (s) => value(s, T.patientName) },
        { title: 'Patient ID', value: (s) => value(s, T.patientID) },
        { title: 'Birth date', value: (s) => value(s, T.birthDate) },
        { title: 'Study date', value: (s) => value(s, T.studyDate) },
        { title: 'Modalities', value: (s) => (s[T.modalities]?.Value ?? []).join(', ') },
        { title: 'Description', value: (s) => value(s, T.description) },
        { title: 'Accession', value: (s) => value(s, T.accession) },
        { title: 'Series / images', value: (s) => `${value(s, T.studySeries)} / ${value(s, T.studyInstances)}` },
      ], page, { onOpen: (s) => { location.hash = `#/study/${encodeURIComponent(value(s, T.studyUID))}`; } }), pager);
    } catch (error) {
      results.replaceChildren(problem(error));
    }
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); offset = 0; search(); });
  show(el('section', {}, el('h1', {}, 'Studies'), el('div', { class: 'card' }, form), results), 'Studies');
}

async function studyPage(uid) {
  const page = el('section', {}, el('h1', {}, 'Study'), el('p', {}, 'Loading…'));
  show(page, 'Study');
  try {
    const [study] = await api.get(`/dicomweb/studies?StudyInstanceUID=${encodeURIComponent(uid)}&includefield=StudyDescription`);
    const series = await api.get(`/dicomweb/studies/${encodeURIComponent(uid)}/series`);
    page.replaceChildren(
      el('h1', {}, study ? `${value(study, T.patientName)} · ${value(study, T.description) || 'Study'}` : 'Study'),
      study ? el('p', {}, `Patient ID ${value(study, T.patientID)} · study date ${value(study, T.studyDate)} · accession ${value(study, T.accession)} `,
                 el('a', { href: `#/audit?patient=${encodeURIComponent(value(study, T.patientID))}` }, 'Who accessed this patient')) : null,
      el('h2', {}, 'Series'),
      sortableTable([
        // A thumbnail of the series' middle image, rendered by the server (WADO-RS thumbnail);
        // none where the view keeps the pixels in or the images are compressed in a syntax Rampart does not decode.
        { title: 'Image', value: () => '', cell: (s) => el('img', {
          class: 'thumbnail', width: 96, height: 96, loading: 'lazy',
          alt: `Series ${value(s, T.seriesNumber) || ''} ${value(s, T.modality) || ''}`.trim(),
          src: `/dicomweb/studies/${encodeURIComponent(uid)}/series/${encodeURIComponent(value(s, T.seriesUID))}/thumbnail?viewport=96,96`,
          onerror: (event) => { event.target.replaceWith(el('span', { class: 'muted' }, 'no preview')); },
        }) },
        { title: 'Number', value: (s) => value(s, T.seriesNumber) },
        { title: 'Modality', value: (s) => value(s, T.modality) },
        { title: 'Description', value: (s) => value(s, T.seriesDescription) },
        { title: 'Images', value: (s) => value(s, T.seriesInstances) },
        { title: 'View', value: () => '', cell: (s) => el('a', { href: `#/view/${encodeURIComponent(uid)}/${encodeURIComponent(value(s, T.seriesUID))}` }, 'View') },
      ], series));
  } catch (error) {
    page.replaceChildren(el('h1', {}, 'Study'), problem(error));
  }
}

// --- Audit ---------------------------------------------------------------------------

function auditPage(params) {
  const form = el('form', { class: 'inline', 'aria-label': 'Filter the audit log' },
    field('Patient ID', 'patient_id'), field('User', 'user'), field('From', 'from', 'date'), field('To', 'to', 'date'),
    el('div', {}, el('label', { for: 'f-outcome' }, 'Outcome'),
      el('select', { id: 'f-outcome', name: 'outcome' }, ...['', 'success', 'denied', 'failed'].map((o) => el('option', { value: o }, o || 'any')))),
    el('button', { type: 'submit' }, 'Show'));
  if (params.get('patient')) form.querySelector('#f-patient_id').value = params.get('patient');
  const results = el('div', { id: 'audit-results' });
  let shown = [];
  const load = async () => {
    const data = new FormData(form);
    const query = new URLSearchParams({ limit: '500' });
    for (const name of ['patient_id', 'user', 'outcome']) if (data.get(name)) query.set(name, data.get(name));
    if (data.get('from')) query.set('from', data.get('from'));
    if (data.get('to')) query.set('to', data.get('to'));
    results.replaceChildren(el('p', {}, 'Loading…'));
    try {
      shown = (await api.get(`/api/audit/events?${query}`)).reverse();
      results.replaceChildren(
        el('p', {}, `${shown.length} events, newest first `,
           el('button', { type: 'button', class: 'secondary', onclick: () => exportCSV(shown) }, 'Export CSV')),
        sortableTable([
          { title: 'Time', value: (r) => r.event.time },
          { title: 'Who', value: (r) => `${r.event.actor.kind} ${r.event.actor.name}`.trim() },
          { title: 'Channel', value: (r) => r.event.channel },
          { title: 'From', value: (r) => r.event.source?.address ?? '' },
          { title: 'What', value: (r) => `${r.event.kind}${r.event.action ? ` (${r.event.action})` : ''}` },
          { title: 'Patients', value: (r) => (r.event.subjects ?? []).filter((s) => s.kind === 'patient').map((s) => s.id).join(', ') },
          { title: 'Outcome', value: (r) => ({ 0: 'success', 4: 'denied', 8: 'failed', 12: 'failed' })[r.event.outcome] ?? r.event.outcome },
          { title: 'Why', value: (r) => r.event.reason ?? '' },
        ], shown));
    } catch (error) {
      results.replaceChildren(problem(error));
    }
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  show(el('section', {}, el('h1', {}, 'Audit log'), auditInsights(problem), el('h2', {}, 'Events'), el('div', { class: 'card' }, form), results), 'Audit');
  if (params.get('patient')) load();
}

function exportCSV(records) {
  const cell = (text) => `"${String(text ?? '').replaceAll('"', '""')}"`;
  const lines = [['sequence', 'time', 'actor', 'channel', 'source', 'kind', 'action', 'outcome', 'reason'].join(',')].concat(
    records.map((r) => [r.sequence, r.event.time, `${r.event.actor.kind} ${r.event.actor.name}`, r.event.channel, r.event.source?.address,
                        r.event.kind, r.event.action, r.event.outcome, r.event.reason].map(cell).join(',')));
  const link = el('a', { href: URL.createObjectURL(new Blob([lines.join('\n')], { type: 'text/csv' })), download: 'rampart-audit.csv' });
  link.click();
  URL.revokeObjectURL(link.href);
}

// --- Administration --------------------------------------------------------------------

async function adminPage() {
  const page = el('section', {}, el('h1', {}, 'Administration'), el('p', {}, 'Loading…'));
  show(page, 'Administration');
  try {
    const [status, users, aes] = await Promise.all([api.get('/api/status'), api.get('/api/users'), api.get('/api/aes')]);
    const issued = el('p', { id: 'issued', role: 'status' });
    const addForm = el('form', { class: 'inline', 'aria-label': 'Add a user' },
      field('User name', 'name'), field('Roles (comma-separated)', 'roles'), el('button', { type: 'submit' }, 'Add user'));
    addForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(addForm);
      try {
        const made = await api.post('/api/users', { name: data.get('name'), roles: String(data.get('roles')).split(',').map((r) => r.trim()).filter(Boolean) });
        issued.replaceChildren(`Password for ${made.name}, shown only now: `, el('span', { class: 'secret', id: 'new-password' }, made.secret));
      } catch (error) {
        issued.replaceChildren(problem(error));
      }
    });
    const legacy = status.legacyExceptions;
    page.replaceChildren(
      el('h1', {}, 'Administration'),
      el('div', { class: 'card' }, el('h2', {}, 'Archive'),
        el('p', {}, `${status.archive.patients} patients, ${status.archive.studies} studies, ${status.archive.series} series, ${status.archive.instances} instances; ${status.auditRecords} audit records.`),
        legacy.length ? el('p', { class: 'warning' }, `Admitted without a credential (legacy exceptions): ${legacy.join(', ')}`) : null),
      el('div', { class: 'card' }, el('h2', {}, 'Users'),
        sortableTable([
          { title: 'Name', value: (u) => u.name }, { title: 'Roles', value: (u) => u.roles.join(', ') },
          { title: 'Second factor', value: (u) => (u.secondFactor ? 'yes' : 'no') },
          { title: 'State', value: (u) => (u.disabled ? 'disabled' : 'active'),
            cell: (u) => el('button', { type: 'button', class: 'secondary', onclick: async () => {
              try { await api.patch(`/api/users/${encodeURIComponent(u.name)}`, { disabled: !u.disabled }); adminPage(); } catch (error) { issued.replaceChildren(problem(error)); }
            } }, u.disabled ? 'Enable' : 'Disable') },
        ], users), addForm, issued),
      el('div', { class: 'card' }, el('h2', {}, 'Application entities'),
        sortableTable([
          { title: 'AE title', value: (a) => a.title }, { title: 'Host', value: (a) => a.host }, { title: 'Port', value: (a) => a.port },
          { title: 'Roles', value: (a) => a.roles.join(', ') },
          { title: 'Admitted by', value: (a) => (a.legacyException ? 'title and host only (legacy exception)' : 'client certificate'),
            cell: (a) => el('span', { class: a.legacyException ? 'warning' : '' }, a.legacyException ? 'title and host only (legacy exception)' : 'client certificate') },
        ], aes)),
      exposureCard(problem),
      settingsCard(problem),
      certificatesCard(problem));
  } catch (error) {
    page.replaceChildren(el('h1', {}, 'Administration'), problem(error));
  }
}

// --- Routing ---------------------------------------------------------------------------

function route() {
  if (!session) return;
  const [path, query] = location.hash.slice(1).split('?');
  const params = new URLSearchParams(query ?? '');
  if (path.startsWith('/study/')) studyPage(decodeURIComponent(path.slice('/study/'.length)));
  else if (path.startsWith('/view/')) {
    const [study, series] = path.slice('/view/'.length).split('/').map(decodeURIComponent);
    viewerPage(study, series, show, problem);
  }
  else if (path === '/audit') auditPage(params);
  else if (path === '/admin') adminPage();
  else if (path === '/policy') policyPage(show, problem);
  else studiesPage();
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const error = document.getElementById('login-error');
  error.textContent = '';
  try {
    const current = await login(data.get('username'), `${data.get('password')}${data.get('code') ?? ''}`);
    event.target.reset();
    signedIn(current);
  } catch (failure) {
    error.textContent = failure instanceof ApiError && failure.status === 401 ? 'Wrong user name or password, or the account is locked.' : failure.message;
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  try { await logout(); } finally { signedOut(); }
});

window.addEventListener('hashchange', route);
const returned = new URLSearchParams(location.search);
if (returned.has('state') || returned.has('error')) {
  // Back from an identity provider: the code leaves the address bar (and the history) at once.
  history.replaceState(null, '', location.pathname);
  endProviderLogin(returned).then(signedIn, (failure) => signedOut(failure.message));
} else {
  currentSession().then(signedIn, () => signedOut());
}
