// The browser view at /: a list of received mail and one message. Every value from a message is
// escaped; HTML bodies render in a sandboxed iframe (no scripts, no same-origin) so a notice cannot
// run code in the sink. dir="auto" lets Urdu subjects and bodies display right-to-left.
import type { StoredMail } from './mail-store';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:start;vertical-align:top}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}iframe{width:100%;height:60vh;border:1px solid #ddd}
.muted{color:#777}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

const list = (addresses: StoredMail['to']): string =>
  addresses.map((a) => escapeHtml(a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

export function renderInbox(mails: StoredMail[], total: number): string {
  const rows = mails
    .map(
      (m) => `<tr><td class="muted">${escapeHtml(m.receivedAt)}</td><td dir="auto">${list(m.from)}</td>
<td dir="auto">${escapeHtml(m.envelope.rcptTo.join(', '))}</td>
<td dir="auto"><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('\n');
  return page(
    'smtp-sink',
    `<h1>smtp-sink</h1><p class="muted">${total} message(s), newest first</p>
<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

export function renderMail(m: StoredMail): string {
  const headerRows = Object.entries(m.headers)
    .map(
      ([name, value]) =>
        `<tr><th>${escapeHtml(name)}</th><td dir="auto">${escapeHtml(Array.isArray(value) ? value.join('\n') : value)}</td></tr>`,
    )
    .join('\n');
  const html =
    m.html === null ? '' : `<h2>HTML</h2><iframe sandbox="" srcdoc="${escapeHtml(m.html)}" title="HTML body"></iframe>`;
  return page(
    m.subject || '(no subject)',
    `<p><a href="/">&larr; all mail</a></p><h1 dir="auto">${escapeHtml(m.subject || '(no subject)')}</h1>
<table><tr><th>From</th><td dir="auto">${list(m.from)}</td></tr><tr><th>To</th><td dir="auto">${list(m.to)}</td></tr>
<tr><th>Cc</th><td dir="auto">${list(m.cc)}</td></tr><tr><th>Envelope</th><td>${escapeHtml(`${m.envelope.mailFrom ?? '<>'} -> ${m.envelope.rcptTo.join(', ')}`)}</td></tr>
<tr><th>Size</th><td>${m.size} bytes</td></tr></table>
<h2>Text</h2><pre dir="auto">${escapeHtml(m.text ?? '')}</pre>${html}
<details><summary>Headers</summary><table>${headerRows}</table></details>`,
  );
}
