// Received mail, newest last, bounded: beyond maxMessages the oldest is dropped, so a long
// benchmark cannot exhaust memory. Optionally mirrored to a JSON file (throttled, atomic writes).
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

export interface MailAddress {
  name: string;
  address: string;
}

export interface StoredMail {
  id: string;
  messageId: string | null;
  /** SMTP envelope: what the sender asked the server to deliver, including Bcc recipients. */
  envelope: { mailFrom: string | null; rcptTo: string[] };
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string | null;
  html: string | null;
  /** Header name (lower case) to value(s), as decoded by mailparser. */
  headers: Record<string, string | string[]>;
  date: string | null;
  receivedAt: string;
  size: number;
}

export interface MailQuery {
  /** Matches an envelope recipient or a To/Cc address, case-insensitively. */
  to?: string;
  offset: number;
  limit: number;
}

/** Counted over every mail received since the start (or the last clear), including mails no longer kept. */
export interface ReceiptStats {
  received: number;
  /** Mails whose Message-ID had been received before: a sender's duplicates. */
  repeatedMessageIds: number;
}

export class MailStore {
  private mails: StoredMail[] = [];
  private readonly messageIds = new Set<string>();
  private receipts: ReceiptStats = { received: 0, repeatedMessageIds: 0 };
  private readonly byId = new Map<string, StoredMail>();
  private writeTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  private readonly maxMessages: number;
  private readonly file: string | null;
  private readonly writeIntervalMs: number;
  private readonly logger: Logger | undefined;

  constructor(options: { maxMessages: number; file?: string | null; writeIntervalMs?: number; logger?: Logger }) {
    this.maxMessages = options.maxMessages;
    this.file = options.file ?? null;
    this.writeIntervalMs = options.writeIntervalMs ?? 500;
    this.logger = options.logger;
    const { file } = this;
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      this.load(file);
    }
  }

  get size(): number {
    return this.mails.length;
  }

  get stats(): ReceiptStats {
    return { ...this.receipts };
  }

  add(mail: StoredMail): void {
    this.receipts.received += 1;
    if (mail.messageId !== null) {
      if (this.messageIds.has(mail.messageId)) this.receipts.repeatedMessageIds += 1;
      else this.messageIds.add(mail.messageId);
    }
    this.mails.push(mail);
    this.byId.set(mail.id, mail);
    if (this.mails.length > this.maxMessages) {
      const dropped = this.mails.splice(0, this.mails.length - this.maxMessages);
      for (const old of dropped) this.byId.delete(old.id);
    }
    this.scheduleWrite();
  }

  get(id: string): StoredMail | undefined {
    return this.byId.get(id);
  }

  /** Newest first. */
  list(query: MailQuery): { total: number; messages: StoredMail[] } {
    const wanted = query.to?.toLowerCase();
    const matching = wanted === undefined ? this.mails : this.mails.filter((m) => addressedTo(m, wanted));
    const newestFirst = [...matching].reverse();
    return { total: matching.length, messages: newestFirst.slice(query.offset, query.offset + query.limit) };
  }

  clear(): void {
    this.mails = [];
    this.messageIds.clear();
    this.receipts = { received: 0, repeatedMessageIds: 0 };
    this.byId.clear();
    this.scheduleWrite();
  }

  async flush(): Promise<void> {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    await this.write();
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const saved = JSON.parse(text) as { messages: StoredMail[] };
    for (const mail of saved.messages.slice(-this.maxMessages)) {
      this.mails.push(mail);
      this.byId.set(mail.id, mail);
    }
  }

  private scheduleWrite(): void {
    if (!this.file || this.writeTimer) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      void this.write();
    }, this.writeIntervalMs);
    this.writeTimer.unref();
  }

  private write(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    this.writing = this.writing.then(async () => {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify({ version: 1, messages: this.mails }));
        await rename(tmp, file);
      } catch (error) {
        this.logger?.error({ err: error, file }, 'could not write the mail store file');
      }
    });
    return this.writing;
  }
}

function addressedTo(mail: StoredMail, address: string): boolean {
  return (
    mail.envelope.rcptTo.includes(address) ||
    mail.to.some((a) => a.address.toLowerCase() === address) ||
    mail.cc.some((a) => a.address.toLowerCase() === address)
  );
}
