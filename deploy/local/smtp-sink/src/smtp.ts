// The SMTP side: a plain-text server (no TLS) that refuses configured recipients at RCPT TO and
// stores every accepted message, parsed by mailparser.
import { randomUUID } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SmtpSinkConfig } from './config';
import type { MailAddress, MailStore, StoredMail } from './mail-store';
import type { RecipientPolicy } from './recipient-rules';

/** An error smtp-server turns into an SMTP reply with this code. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value).map((a) => ({ name: a.name, address: a.address ?? '' }));
}

/**
 * Headers by lower-case name. Plain text headers come decoded (an Urdu Subject reads as Urdu);
 * structured ones (addresses, dates, Content-Type) and repeated ones come as sent, unfolded.
 */
function headerMap(parsed: ParsedMail): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const { key, line } of parsed.headerLines) {
    const decoded = parsed.headers.get(key);
    const value =
      typeof decoded === 'string'
        ? decoded
        : line
            .slice(line.indexOf(':') + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim();
    const existing = headers[key];
    headers[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return headers;
}

export function toStoredMail(parsed: ParsedMail, session: SMTPServerSession, size: number): StoredMail {
  const mailFrom = session.envelope.mailFrom;
  return {
    id: randomUUID(),
    messageId: parsed.messageId ?? null,
    envelope: {
      mailFrom: mailFrom === false ? null : mailFrom.address,
      rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
    },
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? '',
    text: parsed.text ?? null,
    html: parsed.html === false ? null : (parsed.html ?? null),
    headers: headerMap(parsed),
    date: parsed.date?.toISOString() ?? null,
    receivedAt: new Date().toISOString(),
    size,
  };
}

/**
 * No derived text<->HTML conversions or link detection: the sink shows the parts as sent. Those
 * conversions cost more CPU than the rest of the parse, and the sink must outpace any sender it is
 * measured against (ADR 0019).
 */
const LEAN_PARSE = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true };

export function createSmtpServer(
  config: SmtpSinkConfig,
  store: MailStore,
  policy: RecipientPolicy,
  logger: Logger,
): SMTPServer {
  const { auth } = config;
  return new SMTPServer({
    secure: false,
    // No TLS: nodemailer then sends in clear instead of trying STARTTLS against a self-signed cert.
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: true,
    allowInsecureAuth: true,
    size: config.maxMessageBytes,
    banner: 'bnp smtp-sink',
    logger: false,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
        return callback(null, { user: credentials.username });
      }
      return callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const verdict = policy.verdict(address.address);
      switch (verdict) {
        case 'reject':
          return callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`));
        case 'tempFail':
          return callback(smtpError(451, `4.7.1 <${address.address}>: Recipient address deferred, try again later`));
        case 'accept':
          return callback();
      }
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 Message too big'));
        const raw = Buffer.concat(chunks);
        simpleParser(raw, LEAN_PARSE).then(
          (parsed) => {
            store.add(toStoredMail(parsed, session, raw.length));
            callback();
          },
          (error: unknown) => {
            logger.warn({ err: error }, 'could not parse a message');
            callback(smtpError(554, '5.6.0 Message could not be parsed'));
          },
        );
      });
    },
  });
}
