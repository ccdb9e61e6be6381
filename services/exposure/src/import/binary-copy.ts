/**
 * Encoder for PostgreSQL's binary COPY format (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4).
 * Binary rather than text: ciphertexts and blind indexes go over the wire as raw bytes instead of doubled-up hex,
 * and there is no escaping to get wrong for names with tabs, backslashes or Urdu text.
 */
export type CopyColumnType = 'int2' | 'int4' | 'text' | 'bytea' | 'timestamptz';

export interface CopyColumn {
  name: string;
  type: CopyColumnType;
}

/** int2/int4: number; text: string; bytea: Buffer; timestamptz: epoch milliseconds. Null for SQL NULL. */
export type CopyValue = number | string | Buffer | null;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_POW_32 = 2 ** 32;

export class BinaryCopyEncoder {
  readonly #types: CopyColumnType[];
  #buffer = Buffer.allocUnsafe(1 << 16);
  #offset = 0;

  constructor(readonly columns: readonly CopyColumn[]) {
    this.#types = columns.map((column) => column.type);
  }

  /** The 19-byte file header: signature, flags (no OIDs), header extension length. Send once, before any row. */
  static header(): Buffer {
    const header = Buffer.alloc(SIGNATURE.length + 8);
    SIGNATURE.copy(header, 0);
    return header; // flags and extension length are zero
  }

  /** The file trailer: a field count of -1. Send once, after the last row. */
  static trailer(): Buffer {
    const trailer = Buffer.alloc(2);
    trailer.writeInt16BE(-1, 0);
    return trailer;
  }

  /** Encodes rows (values in column order) into one buffer of tuples. */
  encode(rows: readonly (readonly CopyValue[])[]): Buffer {
    this.#offset = 0;
    const types = this.#types;
    for (const row of rows) {
      if (row.length !== types.length) throw new Error(`row has ${row.length} values, expected ${types.length}`);
      this.#reserve(2);
      this.#buffer.writeInt16BE(types.length, this.#offset);
      this.#offset += 2;
      for (let i = 0; i < types.length; i++) this.#field(types[i] as CopyColumnType, row[i] ?? null);
    }
    return Buffer.from(this.#buffer.subarray(0, this.#offset)); // a copy: the scratch buffer is reused
  }

  #field(type: CopyColumnType, value: CopyValue): void {
    if (value === null) {
      this.#reserve(4);
      this.#buffer.writeInt32BE(-1, this.#offset);
      this.#offset += 4;
      return;
    }
    switch (type) {
      case 'int2':
        this.#reserve(6);
        this.#buffer.writeInt32BE(2, this.#offset);
        this.#buffer.writeInt16BE(value as number, this.#offset + 4);
        this.#offset += 6;
        return;
      case 'int4':
        this.#reserve(8);
        this.#buffer.writeInt32BE(4, this.#offset);
        this.#buffer.writeInt32BE(value as number, this.#offset + 4);
        this.#offset += 8;
        return;
      case 'timestamptz': {
        // int64 microseconds since 2000-01-01 UTC, written as two 32-bit halves (exact below 2^53).
        const micros = ((value as number) - POSTGRES_EPOCH_MS) * 1000;
        const high = Math.floor(micros / TWO_POW_32);
        this.#reserve(12);
        this.#buffer.writeInt32BE(8, this.#offset);
        this.#buffer.writeInt32BE(high, this.#offset + 4);
        this.#buffer.writeUInt32BE(micros - high * TWO_POW_32, this.#offset + 8);
        this.#offset += 12;
        return;
      }
      case 'text': {
        const text = value as string;
        const length = Buffer.byteLength(text, 'utf8');
        this.#reserve(4 + length);
        this.#buffer.writeInt32BE(length, this.#offset);
        this.#buffer.write(text, this.#offset + 4, length, 'utf8');
        this.#offset += 4 + length;
        return;
      }
      case 'bytea': {
        const bytes = value as Buffer;
        this.#reserve(4 + bytes.length);
        this.#buffer.writeInt32BE(bytes.length, this.#offset);
        bytes.copy(this.#buffer, this.#offset + 4);
        this.#offset += 4 + bytes.length;
        return;
      }
    }
  }

  #reserve(bytes: number): void {
    if (this.#offset + bytes <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#offset + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buffer.copy(grown, 0, 0, this.#offset);
    this.#buffer = grown;
  }
}
