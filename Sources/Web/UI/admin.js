// The administration page's certificates: the one the server presents, the local CA's, and the
// client certificates AEs are bound to. One that expires within the server's warning days is
// shown in the warning colour, and says so in words.
import { api } from '/ui/api.js';
import { el, sortableTable } from '/ui/dom.js';

function certificateRow(role, certificate, warningDays) {
  if (!certificate) return null;
  const expiring = certificate.daysLeft < warningDays;
  return el('tr', { class: expiring ? 'warning' : '' },
    el('th', { scope: 'row' }, role),
    el('td', {}, certificate.subject),
    el('td', {}, certificate.issuer),
    el('td', {}, certificate.subjectAlternativeNames.join(', ')),
    el('td', {}, certificate.notBefore),
    el('td', {}, certificate.notAfter),
    el('td', {}, certificate.daysLeft < 0 ? 'expired' : `${certificate.daysLeft}${expiring ? ' (expires soon: renew it)' : ''}`),
    el('td', { class: 'fingerprint' }, certificate.sha256));
}

export function certificatesCard(problem) {
  const card = el('div', { class: 'card', id: 'certificates' }, el('h2', {}, 'Certificates'), el('p', {}, 'Loading…'));
  (async () => {
    try {
      const report = await api.get('/api/certificates');
      const head = ['Certificate', 'Subject', 'Issuer', 'Names', 'Valid from', 'Valid until', 'Days left', 'SHA-256'];
      // replaceChildren would show an absent part as the text "null": el() leaves it out.
      card.replaceChildren(...el('div', {}, el('h2', {}, 'Certificates'),
        el('table', { id: 'certificate-table' },
          el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {},
            certificateRow('This server (HTTPS)', report.server, report.warningDays),
            certificateRow('Local CA', report.localCA, report.warningDays))),
        report.server ? null : el('p', { class: 'warning' }, 'The server serves plain HTTP: configure http.tls or dicom.tls.'),
        el('h3', {}, 'AEs admitted by a client certificate'),
        report.boundAEs.length
          ? sortableTable([{ title: 'AE title', value: (b) => b.title }, { title: 'Certificate SHA-256', value: (b) => b.certificateSHA256 }], report.boundAEs)
          : el('p', {}, 'None: every registered AE is admitted by its title and host.')).childNodes);
    } catch (error) {
      card.replaceChildren(el('h2', {}, 'Certificates'), problem(error));
    }
  })();
  return card;
}

// The server's self-scan: its own listeners probed from its host as `rampart scan` probes them,
// and its configuration. Findings above info are shown in the warning colour, each with its fix.
export function exposureCard(problem) {
  const card = el('div', { class: 'card', id: 'exposure' }, el('h2', {}, 'Exposure self-scan'), el('p', {}, 'Loading…'));
  const render = (report) => {
    const notable = report.findings.filter((f) => f.severity !== 'info');
    const rescan = el('button', { type: 'button', class: 'secondary', id: 'rescan' }, 'Scan now');
    rescan.addEventListener('click', async () => {
      rescan.disabled = true;
      try { render(await api.post('/api/findings/scan')); } catch (error) { card.append(problem(error)); rescan.disabled = false; }
    });
    card.replaceChildren(...el('div', {}, el('h2', {}, 'Exposure self-scan'),
      el('p', { id: 'exposure-summary', class: notable.length ? 'warning' : '' },
        notable.length ? `${notable.length} finding(s) above info` : 'No finding above info',
        ` in ${report.endpoints.join(', ')} (scanned ${report.finished}). `, rescan),
      sortableTable([
        { title: 'Severity', value: (f) => f.severity, cell: (f) => el('span', { class: f.severity === 'info' ? '' : 'warning' }, f.severity) },
        { title: 'Finding', value: (f) => f.title },
        { title: 'Where', value: (f) => f.target },
        { title: 'Evidence', value: (f) => f.evidence },
        { title: 'Fix', value: (f) => f.fix },
      ], report.findings)).childNodes);
  };
  api.get('/api/findings').then(render, (error) => card.replaceChildren(el('h2', {}, 'Exposure self-scan'), problem(error)));
  return card;
}

// The settings that may change while the server runs (association limits, request rate, case of
// person names): one form, saved all at once, in force from the next association or request and
// kept across restarts. Where each value comes from is shown beside it.
export function settingsCard(problem) {
  const card = el('div', { class: 'card', id: 'settings' }, el('h2', {}, 'Settings'), el('p', {}, 'Loading…'));
  const render = (settings, said) => {
    const inputs = settings.map((s) => {
      const id = `setting-${s.name.replaceAll('.', '-')}`;
      const input = typeof s.value === 'boolean'
        ? el('input', { id, name: s.name, type: 'checkbox', checked: s.value })
        : el('input', { id, name: s.name, type: 'number', value: String(s.value), min: String(s.minimum), max: String(s.maximum), required: true });
      return { setting: s, input, row: el('tr', {},
        el('th', { scope: 'row' }, el('label', { for: id }, s.description), el('div', { class: 'fingerprint' }, s.name)),
        el('td', {}, input), el('td', {}, s.source)) };
    });
    const status = el('p', { id: 'settings-status', role: 'status' }, said || '');
    const form = el('form', { 'aria-label': 'Settings that may change while the server runs' },
      el('table', {}, el('thead', {}, el('tr', {}, ...['Setting', 'Value', 'From'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, ...inputs.map((i) => i.row))),
      el('button', { type: 'submit', id: 'save-settings' }, 'Save settings'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const changes = {};
      for (const { setting, input } of inputs) {
        const value = typeof setting.value === 'boolean' ? input.checked : Number(input.value);
        if (value !== setting.value) changes[setting.name] = value;
      }
      if (!Object.keys(changes).length) { status.replaceChildren('Nothing changed.'); return; }
      try {
        render(await api.patch('/api/settings', changes), `Saved: ${Object.keys(changes).join(', ')}. In force from the next association or request.`);
      } catch (error) {
        status.replaceChildren(problem(error));
      }
    });
    card.replaceChildren(el('h2', {}, 'Settings'),
      el('p', {}, 'These take effect without a restart. Ports, addresses, certificates and the AE title are set in rampart.yaml and need one.'),
      form, status);
  };
  api.get('/api/settings').then((settings) => render(settings), (error) => card.replaceChildren(el('h2', {}, 'Settings'), problem(error)));
  return card;
}
