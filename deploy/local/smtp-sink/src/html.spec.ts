import { escapeHtml, renderInbox, renderMail } from './html';
import type { StoredMail } from './mail-store';

const mail: StoredMail = {
  id: 'id-1',
  messageId: '<m1@jazz.example>',
  envelope: { mailFrom: 'a@jazz.example', rcptTo: ['b@example.pk'] },
  from: [{ name: 'Eve "<script>"', address: 'a@jazz.example' }],
  to: [{ name: '', address: 'b@example.pk' }],
  cc: [],
  subject: '<img src=x onerror=alert(1)> اطلاع',
  text: 'line </pre><script>alert(2)</script>',
  html: '<script>alert(3)</script><p onclick="x()">hi</p>',
  headers: { 'x-evil': '"><script>alert(4)</script>' },
  date: null,
  receivedAt: '2024-01-01T00:00:00.000Z',
  size: 123,
};

describe(escapeHtml.name, () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe(renderMail.name, () => {
  const page = renderMail(mail);

  it('never lets message content become markup of the page', () => {
    expect(page).not.toMatch(/<script>/);
    expect(page).not.toMatch(/<img/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; اطلاع');
    expect(page).toContain('line &lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('shows the HTML body only inside a sandboxed iframe', () => {
    expect(page).toContain(
      '<iframe sandbox="" srcdoc="&lt;script&gt;alert(3)&lt;/script&gt;&lt;p onclick=&quot;x()&quot;&gt;hi&lt;/p&gt;"',
    );
  });

  it('marks subject and text dir="auto" so Urdu reads right to left', () => {
    expect(page).toContain('<h1 dir="auto">');
    expect(page).toContain('<pre dir="auto">');
  });
});

describe(renderInbox.name, () => {
  it('lists subjects as escaped links to each message', () => {
    const page = renderInbox([mail], 1);
    expect(page).toContain('<a href="/messages/id-1">&lt;img src=x onerror=alert(1)&gt; اطلاع</a>');
    expect(page).toContain('1 message(s)');
  });
});
