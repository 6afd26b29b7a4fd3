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
