// Query parsing and page URIs for GET .../Messages.json, shaped like Twilio's: relative URIs that
// repeat the filters, PageSize and Page, and a PageToken naming the boundary message.
import { apiErrors } from './errors';
import { messagesPath, type StoredMessage } from './message';
import type { DateRange, ListPage, ListQuery } from './store';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;

type Query = Record<string, unknown>;

function text(query: Query, key: string): string | undefined {
  const value = query[key];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A date (whole UTC day) or a date-time (that second), as Twilio's DateSent filters accept. */
export function parseDateParam(name: string, value: string): DateRange {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const from = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(from)) throw apiErrors.invalidParameter(name);
    return { from, to: from + DAY_MS - 1 };
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw apiErrors.invalidParameter(name);
  const second = Math.floor(at / 1000) * 1000;
  return { from: second, to: second + 999 };
}

function integer(query: Query, name: string, fallback: number, min: number): number {
  const value = text(query, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw apiErrors.invalidParameter(name);
  return n;
}

export interface ParsedList {
  query: ListQuery;
  /** Filter parameters exactly as given, repeated in every page URI. */
  filters: Array<[string, string]>;
}

export function parseListQuery(raw: Query): ParsedList {
  const filters: Array<[string, string]> = [];
  const query: ListQuery = {
    // Twilio caps PageSize at 1000 rather than rejecting larger values.
    pageSize: Math.min(integer(raw, 'PageSize', DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE),
    page: integer(raw, 'Page', 0, 0),
    pageToken: text(raw, 'PageToken'),
  };
  const to = text(raw, 'To');
  if (to !== undefined) {
    query.to = to;
    filters.push(['To', to]);
  }
  const from = text(raw, 'From');
  if (from !== undefined) {
    query.from = from;
    filters.push(['From', from]);
  }
  const sent = text(raw, 'DateSent');
  if (sent !== undefined) {
    query.dateSent = parseDateParam('DateSent', sent);
    filters.push(['DateSent', sent]);
  }
  // "DateSent<=2024-01-31" arrives as key "DateSent<": on or before that day.
  const before = text(raw, 'DateSent<');
  if (before !== undefined) {
    query.dateSentBefore = parseDateParam('DateSent<', before).to;
    filters.push(['DateSent<', before]);
  }
  const after = text(raw, 'DateSent>');
  if (after !== undefined) {
    query.dateSentAfter = parseDateParam('DateSent>', after).from;
    filters.push(['DateSent>', after]);
  }
  return { query, filters };
}

function pageUri(
  accountSid: string,
  filters: Array<[string, string]>,
  pageSize: number,
  page: number,
  token?: string,
): string {
  const params = new URLSearchParams([...filters, ['PageSize', String(pageSize)], ['Page', String(page)]]);
  if (token !== undefined) params.set('PageToken', token);
  return `${messagesPath(accountSid)}?${params.toString()}`;
}

export interface ListEnvelope<T> {
  first_page_uri: string;
  end: number;
  previous_page_uri: string | null;
  messages: T[];
  uri: string;
  page_size: number;
  start: number;
  next_page_uri: string | null;
  page: number;
}

export function listEnvelope<T>(
  accountSid: string,
  parsed: ParsedList,
  result: ListPage,
  render: (m: StoredMessage) => T,
): ListEnvelope<T> {
  const { query, filters } = parsed;
  const { messages } = result;
  const start = query.page * query.pageSize;
  const first = messages[0];
  const last = messages[messages.length - 1];
  return {
    first_page_uri: pageUri(accountSid, filters, query.pageSize, 0),
    end: messages.length > 0 ? start + messages.length - 1 : start,
    previous_page_uri:
      query.page > 0 && first && result.hasPrevious
        ? pageUri(accountSid, filters, query.pageSize, query.page - 1, `PB${first.sid}`)
        : null,
    messages: messages.map(render),
    uri: pageUri(accountSid, filters, query.pageSize, query.page, query.pageToken),
    page_size: query.pageSize,
    start,
    next_page_uri:
      last && result.hasNext ? pageUri(accountSid, filters, query.pageSize, query.page + 1, `PA${last.sid}`) : null,
    page: query.page,
  };
}
