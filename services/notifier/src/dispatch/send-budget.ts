import type { DataSource } from 'typeorm';

/**
 * Segments per second per sender, shared by every notifier instance: a virtual clock in PostgreSQL
 * (the generic cell rate algorithm). A reservation of n segments moves the sender's "free at" time
 * by n / rate and answers when the caller may start; an idle sender banks at most `burstMs` of credit,
 * which keeps the provider's own queue just ahead of its drain rate without building a backlog.
 * One short UPDATE per batch of messages, on the database clock, so instance clocks do not matter.
 */
export class SendBudget {
  constructor(
    private readonly dataSource: DataSource,
    readonly sender: string,
    readonly segmentsPerSecond: number,
    private readonly burstMs: number,
  ) {}

  async init(): Promise<void> {
    await this.dataSource.query(`INSERT INTO "notify"."send_budget" ("sender") VALUES ($1) ON CONFLICT DO NOTHING`, [
      this.sender,
    ]);
  }

  /** Reserves `segments`; resolves to how many milliseconds from now the first of them may go. */
  async reserve(segments: number): Promise<number> {
    const durationMs = (segments * 1000) / this.segmentsPerSecond;
    const [rows] = await this.dataSource.query<[{ delay_ms: string }[], number]>(
      `UPDATE "notify"."send_budget"
       SET "free_at" = GREATEST("free_at", clock_timestamp() - $3::float8 * interval '1 millisecond') + $2::float8 * interval '1 millisecond',
           "updated_at" = clock_timestamp()
       WHERE "sender" = $1
       RETURNING EXTRACT(EPOCH FROM ("free_at" - clock_timestamp())) * 1000 - $2::float8 AS delay_ms`,
      [this.sender, durationMs, this.burstMs],
    );
    const row = rows[0];
    if (!row) throw new Error(`no send budget row for sender ${this.sender}`);
    return Number(row.delay_ms);
  }

  /** Milliseconds of segments already reserved beyond now (how far ahead the senders have booked). */
  msPerSegment(): number {
    return 1000 / this.segmentsPerSecond;
  }
}
