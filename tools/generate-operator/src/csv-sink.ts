import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { AssetRecord } from './assets';
import type { HoldingRecord, OperatorSink, SubscriberRecord } from './operator-generator';

// Column order of docs/import-formats.md.
export const SUBSCRIBERS_HEADER = 'subscriber_id,cnic,name,msisdn,email,language,region,line_type,account_status';
export const ASSETS_HEADER = 'asset_id,owning_system,categories,description';
export const HOLDINGS_HEADER = 'asset_id,subscriber_id,region,records_from,records_to';

/** RFC 4180 quoting, only where needed. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function subscriberCsvLine(s: SubscriberRecord): string {
  return `${s.subscriberId},${s.cnic},${csvField(s.name)},${s.msisdn},${s.email ?? ''},${s.language},${s.region},${s.lineType},${s.accountStatus}\n`;
}

export function assetCsvLine(a: AssetRecord): string {
  return `${csvField(a.assetId)},${csvField(a.owningSystem)},${a.categories.join('|')},${csvField(a.description)}\n`;
}

export function holdingCsvLine(h: HoldingRecord): string {
  return `${h.assetId},${h.subscriberId},${h.region},${h.recordsFrom},${h.recordsTo ?? ''}\n`;
}

const FLUSH_CHARS = 1 << 18;

/** Appends lines in 256 KiB writes and reports backpressure as a promise, so memory stays flat. */
class BufferedFile {
  readonly #stream: WriteStream;
  #parts: string[] = [];
  #chars = 0;

  constructor(
    readonly path: string,
    header: string,
  ) {
    this.#stream = createWriteStream(path, { encoding: 'utf8' });
    this.#parts.push(`${header}\n`);
  }

  append(line: string): Promise<void> | undefined {
    this.#parts.push(line);
    this.#chars += line.length;
    return this.#chars >= FLUSH_CHARS ? this.#flush() : undefined;
  }

  async close(): Promise<void> {
    await this.#flush();
    await new Promise<void>((resolve, reject) =>
      this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }

  async #flush(): Promise<void> {
    const text = this.#parts.join('');
    this.#parts = [];
    this.#chars = 0;
    if (!this.#stream.write(text)) await once(this.#stream, 'drain');
  }
}

/** Writes subscribers.csv, assets.csv and holdings.csv into a directory. */
export class CsvFileSink implements OperatorSink {
  readonly #subscribers: BufferedFile;
  readonly #assets: BufferedFile;
  readonly #holdings: BufferedFile;

  private constructor(readonly directory: string) {
    this.#subscribers = new BufferedFile(join(directory, 'subscribers.csv'), SUBSCRIBERS_HEADER);
    this.#assets = new BufferedFile(join(directory, 'assets.csv'), ASSETS_HEADER);
    this.#holdings = new BufferedFile(join(directory, 'holdings.csv'), HOLDINGS_HEADER);
  }

  static async open(directory: string): Promise<CsvFileSink> {
    await mkdir(directory, { recursive: true });
    return new CsvFileSink(directory);
  }

  get files(): string[] {
    return [this.#subscribers.path, this.#assets.path, this.#holdings.path];
  }

  asset(record: AssetRecord): Promise<void> | undefined {
    return this.#assets.append(assetCsvLine(record));
  }

  subscriber(record: SubscriberRecord): Promise<void> | undefined {
    return this.#subscribers.append(subscriberCsvLine(record));
  }

  holding(record: HoldingRecord): Promise<void> | undefined {
    return this.#holdings.append(holdingCsvLine(record));
  }

  async close(): Promise<void> {
    await Promise.all([this.#subscribers.close(), this.#assets.close(), this.#holdings.close()]);
  }
}
