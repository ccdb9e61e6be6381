import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { FRAUD_OUTBOX } from '../enrollment/enrollment.repository';
import { incidentPausedSql } from '../incident-control/incident-paused.sql';
import { queryRows } from '../sql';
import type { CommandToSend } from './protection-command.message';

interface CommandRow {
  command_id: string;
  incident_id: string;
  person_id: string;
  subscriber_id: string;
  exposure_revision: number;
  actions: number[];
  msisdn_ciphertext: Buffer;
  msisdn_masked: string;
  issued_at: Date;
  attempt: number;
}

const COMMAND_COLUMNS = [
  'command_id',
  'incident_id',
  'person_id',
  'subscriber_id',
  'exposure_revision',
  'actions',
  'msisdn_ciphertext',
  'msisdn_masked',
  'issued_at',
  'attempt',
];

// One releaser at a time across instances: two releasing side by side could commit out of order.
const RELEASE_LOCK = 'fraud:protection-commands:release-held';

function commandColumns(alias?: string): string {
  return COMMAND_COLUMNS.map((column) => (alias ? `${alias}."${column}"` : `"${column}"`)).join(', ');
}

function toCommand(row: CommandRow): CommandToSend {
  return {
    commandId: row.command_id,
    incidentId: row.incident_id,
    personId: row.person_id,
    subscriberId: row.subscriber_id,
    exposureRevision: row.exposure_revision,
    actions: row.actions,
    msisdnCiphertext: row.msisdn_ciphertext,
    msisdnMasked: row.msisdn_masked,
    issuedAt: row.issued_at,
    attempt: row.attempt,
  };
}

export class ProtectionTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Records the first acknowledgement of a command; null when it was already acknowledged or is unknown. */
  async acknowledge(
    commandId: string,
    status: string,
    detail: string,
    acknowledgedAt: Date,
  ): Promise<CommandToSend | null> {
    const rows = await queryRows<CommandRow>(
      this.manager,
      `UPDATE "fraud"."protection_commands" SET "status" = $2, "ack_detail" = $3, "acknowledged_at" = $4, "next_send_at" = NULL
       WHERE "command_id" = $1 AND "status" = 'SENT' RETURNING ${commandColumns()}`,
      [commandId, status, detail, acknowledgedAt],
    );
    return rows[0] ? toCommand(rows[0]) : null;
  }

  async commandExists(commandId: string): Promise<boolean> {
    const rows = await queryRows(this.manager, `SELECT 1 FROM "fraud"."protection_commands" WHERE "command_id" = $1`, [
      commandId,
    ]);
    return rows.length > 0;
  }

  /**
   * Claims unacknowledged commands whose re-send is due and moves each to its next attempt. SKIP LOCKED
   * lets several instances share the work without sending one command twice in the same round.
   * Commands of a paused incident wait: they stay due and go out on the first round after resume.
   */
  async claimDueResends(limit: number, baseDelayMs: number, maxDelayMs: number): Promise<CommandToSend[]> {
    const rows = await queryRows<CommandRow>(
      this.manager,
      `WITH due AS (
         SELECT pc."command_id" FROM "fraud"."protection_commands" pc
         WHERE pc."status" = 'SENT' AND pc."next_send_at" <= now() AND NOT ${incidentPausedSql('pc."incident_id"')}
         ORDER BY pc."next_send_at" LIMIT $1 FOR UPDATE OF pc SKIP LOCKED)
       UPDATE "fraud"."protection_commands" c SET "attempt" = c."attempt" + 1, "last_sent_at" = now(),
         "next_send_at" = now() + least($3::bigint, $2::bigint * power(2, c."attempt")::bigint) * interval '1 millisecond'
       FROM due WHERE c."command_id" = due."command_id" RETURNING ${commandColumns('c')}`,
      [limit, baseDelayMs, maxDelayMs],
    );
    return rows.map(toCommand);
  }

  /**
   * Moves the oldest held commands of incidents no longer paused to SENT (first attempt, resend clock
   * starting now) and returns them in the order they were decided: by incident, revision, then time.
   * Returns nothing while another instance is releasing. Held commands are only ever written for an
   * incident with a control row (paused, or queued behind a pause), so the join finds them all.
   */
  async releaseHeld(limit: number, resendAfterMs: number): Promise<CommandToSend[]> {
    const [lock] = await queryRows<{ locked: boolean }>(
      this.manager,
      'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS "locked"',
      [RELEASE_LOCK],
    );
    if (lock?.locked !== true) return [];
    const rows = await queryRows<CommandRow>(
      this.manager,
      `WITH due AS (
         SELECT c."command_id" FROM "fraud"."protection_commands" c
         WHERE c."status" = 'HELD' AND c."incident_id" IN (
           SELECT p."incident_id" FROM "fraud"."incident_controls" p WHERE NOT p."paused")
         ORDER BY c."incident_id", c."exposure_revision", c."issued_at", c."command_id" LIMIT $1 FOR UPDATE OF c),
       released AS (
         UPDATE "fraud"."protection_commands" c SET "status" = 'SENT', "last_sent_at" = now(),
           "next_send_at" = now() + $2::bigint * interval '1 millisecond'
         FROM due WHERE c."command_id" = due."command_id" RETURNING ${commandColumns('c')})
       SELECT * FROM released ORDER BY "incident_id", "exposure_revision", "issued_at", "command_id"`,
      [limit, resendAfterMs],
    );
    return rows.map(toCommand);
  }

  appendOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.outbox.append(this.manager, messages);
  }
}

@Injectable()
export class ProtectionRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(FRAUD_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  inTransaction<T>(work: (tx: ProtectionTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new ProtectionTransaction(manager, this.outbox)));
  }
}
