// In-memory message store with the indexes list queries need, so no request scans every message:
// by SID (fetch, page tokens), and creation-ordered arrays overall, per To and per From (list filters).
import type { MessageStatus, StatusChange, StoredMessage } from './message';

export interface DateRange {
  from: number;
  to: number;
}

export interface ListQuery {
  to?: string;
  from?: string;
  /** DateSent=, DateSent<, DateSent> as inclusive ms ranges. */
  dateSent?: DateRange;
  dateSentBefore?: number;
  dateSentAfter?: number;
  /** Hides messages created after this time (the listLag fault: an index that lags the store). */
  createdUpTo?: number;
  pageSize: number;
  page: number;
  /** "PA<sid>": the page after that message; "PB<sid>": the page before it. */
  pageToken?: string;
}

export interface ListPage {
  messages: StoredMessage[];
  hasNext: boolean;
  hasPrevious: boolean;
}

type Listener = () => void;

export class MessageStore {
  private readonly bySid = new Map<string, StoredMessage>();
  private ordered: StoredMessage[] = [];
  private readonly byTo = new Map<string, StoredMessage[]>();
  private readonly byFrom = new Map<string, StoredMessage[]>();
  private readonly statusCounts = new Map<MessageStatus, number>();
  private readonly listeners: Listener[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.ordered.length;
  }

  /** Called after every change; persistence uses it to schedule a write. */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  add(message: Omit<StoredMessage, 'seq'>): StoredMessage {
    const stored: StoredMessage = { ...message, seq: this.nextSeq++ };
    this.index(stored);
    this.changed();
    return stored;
  }

  get(sid: string): StoredMessage | undefined {
    return this.bySid.get(sid);
  }

  setStatus(message: StoredMessage, status: MessageStatus, at: number, errorCode: number | null = null): StatusChange {
    this.count(message.status, -1);
    this.count(status, 1);
    message.status = status;
    message.dateUpdated = at;
    const change: StatusChange = { status, at, errorCode };
    message.history.push(change);
    this.changed();
    return change;
  }

  /** Persistence rebuilds the store from a file; sequence numbers keep their order. */
  load(messages: StoredMessage[]): void {
    this.clear();
    for (const m of [...messages].sort((a, b) => a.seq - b.seq)) this.index(m);
    this.nextSeq = (this.ordered.at(-1)?.seq ?? -1) + 1;
  }

  clear(): void {
    this.bySid.clear();
    this.ordered = [];
    this.byTo.clear();
    this.byFrom.clear();
    this.statusCounts.clear();
    this.changed();
  }

  all(): readonly StoredMessage[] {
    return this.ordered;
  }

  /** Messages to one number, oldest first. */
  sentTo(to: string): readonly StoredMessage[] {
    return this.byTo.get(to) ?? [];
  }

  countsByStatus(): Record<string, number> {
    return Object.fromEntries(this.statusCounts);
  }

  /** Newest first, as Twilio lists. */
  list(query: ListQuery): ListPage {
    // Start from the narrowest index; any other filter is checked per candidate.
    let candidates = this.ordered;
    if (query.to !== undefined) candidates = this.byTo.get(query.to) ?? [];
    else if (query.from !== undefined) candidates = this.byFrom.get(query.from) ?? [];
    const matches = (m: StoredMessage): boolean =>
      (query.to === undefined || m.to === query.to) &&
      (query.from === undefined || m.fromNumber === query.from) &&
      (query.createdUpTo === undefined || m.dateCreated <= query.createdUpTo) &&
      matchesDateSent(m, query);

    const token = parsePageToken(query.pageToken, this.bySid);
    if (token?.direction === 'before') {
      // Walk towards newer messages from the token, then present the page newest first.
      const start = upperBound(candidates, token.seq);
      const { found, stoppedAt } = collect(candidates, start, +1, query.pageSize, matches);
      return {
        messages: found.reverse(),
        hasNext: true,
        hasPrevious: findIndex(candidates, stoppedAt, +1, matches) !== -1,
      };
    }

    let start = token ? lowerBound(candidates, token.seq) - 1 : candidates.length - 1;
    if (!token) {
      // Page without a token means "skip Page*PageSize matches"; clients following next_page_uri send a token.
      start = collect(candidates, start, -1, query.page * query.pageSize, matches).stoppedAt;
    }
    const { found, stoppedAt } = collect(candidates, start, -1, query.pageSize, matches);
    return {
      messages: found,
      hasNext: findIndex(candidates, stoppedAt, -1, matches) !== -1,
      hasPrevious: findIndex(candidates, start + 1, +1, matches) !== -1,
    };
  }

  private index(m: StoredMessage): void {
    this.bySid.set(m.sid, m);
    this.ordered.push(m);
    push(this.byTo, m.to, m);
    push(this.byFrom, m.fromNumber, m);
    this.count(m.status, 1);
  }

  private count(status: MessageStatus, delta: number): void {
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + delta);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function push(index: Map<string, StoredMessage[]>, key: string, m: StoredMessage): void {
  const list = index.get(key);
  if (list) list.push(m);
  else index.set(key, [m]);
}

function matchesDateSent(m: StoredMessage, q: ListQuery): boolean {
  if (q.dateSent === undefined && q.dateSentBefore === undefined && q.dateSentAfter === undefined) return true;
  if (m.dateSent === null) return false;
  if (q.dateSent && (m.dateSent < q.dateSent.from || m.dateSent > q.dateSent.to)) return false;
  if (q.dateSentBefore !== undefined && m.dateSent > q.dateSentBefore) return false;
  if (q.dateSentAfter !== undefined && m.dateSent < q.dateSentAfter) return false;
  return true;
}

function parsePageToken(
  token: string | undefined,
  bySid: Map<string, StoredMessage>,
): { direction: 'after' | 'before'; seq: number } | undefined {
  if (token === undefined) return undefined;
  const message = bySid.get(token.slice(2));
  if (!message) return undefined;
  return { direction: token.startsWith('PB') ? 'before' : 'after', seq: message.seq };
}

/** First index whose seq >= seq (arrays are seq-ascending). */
function lowerBound(list: StoredMessage[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.seq ?? Infinity) < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose seq > seq. */
function upperBound(list: StoredMessage[], seq: number): number {
  return lowerBound(list, seq + 1);
}

type Match = (m: StoredMessage) => boolean;

/** Takes up to `limit` matches walking from `start` by `step`; `stoppedAt` is the first index not looked at. */
function collect(list: StoredMessage[], start: number, step: 1 | -1, limit: number, match: Match) {
  const found: StoredMessage[] = [];
  let i = start;
  for (let m = list[i]; m !== undefined && found.length < limit; m = list[(i += step)]) {
    if (match(m)) found.push(m);
  }
  return { found, stoppedAt: i };
}

function findIndex(list: StoredMessage[], start: number, step: 1 | -1, match: Match): number {
  for (let i = start, m = list[i]; m !== undefined; i += step, m = list[i]) if (match(m)) return i;
  return -1;
}
