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
