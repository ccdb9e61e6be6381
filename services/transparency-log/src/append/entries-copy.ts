/** The PostgreSQL binary COPY stream of new log entries: (idx bigint, entry_id text, kind text, incident_id text, data bytea). */
export interface EntryRow {
  idx: number;
  entryId: string;
  kind: string;
  incidentId: string;
  data: Buffer;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Encodes rows in COPY's binary format (header, then per row a field count and length-prefixed fields,
 * then -1): no text escaping, and the entry bytes go as they are instead of as hex.
 */
export function encodeEntriesCopy(rows: readonly EntryRow[]): Buffer {
  const parts: Buffer[] = [SIGNATURE, Buffer.alloc(8)];
  for (const row of rows) {
    const texts = [row.entryId, row.kind, row.incidentId].map((text) => Buffer.from(text, 'utf8'));
    const head = Buffer.alloc(2 + 4 + 8);
    head.writeInt16BE(5, 0);
    head.writeInt32BE(8, 2);
    head.writeBigInt64BE(BigInt(row.idx), 6);
    parts.push(head);
    for (const field of [...texts, row.data]) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(field.length);
      parts.push(length, field);
    }
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  parts.push(trailer);
  return Buffer.concat(parts);
}
