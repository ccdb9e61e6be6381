import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReceivedRegulatorReceipt } from './regulator-receipt.decoder';

@Injectable()
export class RegulatorReceiptRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent: a redelivered receipt (same report id) changes nothing. */
  async record(receipt: ReceivedRegulatorReceipt): Promise<'recorded' | 'duplicate'> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO "notify"."regulator_receipts" ("report_id", "incident_id", "regulator_id", "obligation_id", "filed_at", "receipt_id")
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("report_id") DO NOTHING RETURNING "report_id"`,
      [
        receipt.reportId,
        receipt.incidentId,
        receipt.regulatorId,
        receipt.obligationId,
        receipt.filedAt,
        receipt.receiptId,
      ],
    );
    return rows.length > 0 ? 'recorded' : 'duplicate';
  }
}
