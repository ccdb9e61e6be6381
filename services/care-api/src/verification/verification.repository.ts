import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { CARE_SCHEMA } from '../data-source';
import { CODE_WINDOW_MS, confirmOutcome, issueDecision, type ConfirmOutcome } from './verification-rules';

export interface NewVerification {
  verificationId: string;
  personId: string;
  subscriberId: string;
  msisdnMasked: string;
  incidentId: string;
  codeDigest: Buffer;
  expiresAt: Date;
  requestedBy: string;
  createdAt: Date;
}

export interface VerificationRow {
  verification_id: string;
  person_id: string;
  msisdn_masked: string;
  expires_at: Date;
  attempts: number;
  verified_at: Date | null;
  code_digest: Buffer;
}

export interface LatestExposure {
  incidentId: string;
  revision: number;
  language: string;
}

/** care.verifications: issued codes (as digests), their readings, and the per-person limit on issuing. */
@Injectable()
export class VerificationRepository {
  private readonly outbox = new OutboxWriter(CARE_SCHEMA);

  constructor(private readonly dataSource: DataSource) {}

  /** The person's latest real (not dry-run) exposure: the incident a call is about, and their language. */
  async latestExposure(personId: string): Promise<LatestExposure | null> {
    const rows: { incident_id: string; revision: number; language: string }[] = await this.dataSource.query(
      `SELECT "incident_id", "revision", "language" FROM "care"."exposure_revisions"
       WHERE "person_id" = $1 AND NOT "dry_run" ORDER BY "received_at" DESC, "revision" DESC LIMIT 1`,
      [personId],
    );
    const row = rows[0];
    return row ? { incidentId: row.incident_id, revision: row.revision, language: row.language } : null;
  }

  /**
   * Records the verification and its message to the notifier in one transaction, unless the person had
   * too many codes this hour. A per-person advisory lock makes the count and the insert one step for
   * every instance.
   */
  async issue(
    verification: NewVerification,
    message: OutboxMessage,
  ): Promise<{ issued: true } | { issued: false; retryAfterMs: number }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('care-code:' || $1, 0))`, [
        verification.personId,
      ]);
      const recent: { created_at: Date }[] = await manager.query(
        `SELECT "created_at" FROM "care"."verifications" WHERE "person_id" = $1 AND "created_at" > $2`,
        [verification.personId, new Date(verification.createdAt.getTime() - CODE_WINDOW_MS)],
      );
      const decision = issueDecision(
        recent.map((row) => row.created_at),
        verification.createdAt,
      );
      if (!decision.allowed) return { issued: false, retryAfterMs: decision.retryAfterMs };
      await manager.query(
        `INSERT INTO "care"."verifications" ("verification_id", "person_id", "subscriber_id", "msisdn_masked", "incident_id",
           "code_digest", "expires_at", "requested_by", "created_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          verification.verificationId,
          verification.personId,
          verification.subscriberId,
          verification.msisdnMasked,
          verification.incidentId,
          verification.codeDigest,
          verification.expiresAt,
          verification.requestedBy,
          verification.createdAt,
        ],
      );
      await this.outbox.append(manager, [message]);
      return { issued: true };
    });
  }

  /** Applies one reading of the code; a wrong one counts against the verification even though it is refused. */
  async confirm(
    personId: string,
    verificationId: string,
    presented: Buffer,
    subject: string,
    now: Date,
  ): Promise<{ outcome: ConfirmOutcome; row: VerificationRow } | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: VerificationRow[] = await manager.query(
        `SELECT "verification_id", "person_id", "msisdn_masked", "expires_at", "attempts", "verified_at", "code_digest"
         FROM "care"."verifications" WHERE "verification_id" = $1 AND "person_id" = $2 FOR UPDATE`,
        [verificationId, personId],
      );
      const row = rows[0];
      if (!row) return null;
      const outcome = confirmOutcome(
        { expiresAt: row.expires_at, attempts: row.attempts, verifiedAt: row.verified_at, digest: row.code_digest },
        presented,
        now,
      );
      if (outcome === 'wrong') {
        await manager.query(
          `UPDATE "care"."verifications" SET "attempts" = "attempts" + 1 WHERE "verification_id" = $1`,
          [verificationId],
        );
        row.attempts += 1;
      } else if (outcome === 'verified') {
        await manager.query(
          `UPDATE "care"."verifications" SET "verified_at" = $2, "verified_by" = $3 WHERE "verification_id" = $1`,
          [verificationId, now, subject],
        );
        row.verified_at = now;
      }
      return { outcome, row };
    });
  }

  async find(personId: string, verificationId: string): Promise<VerificationRow | null> {
    const rows: VerificationRow[] = await this.dataSource.query(
      `SELECT "verification_id", "person_id", "msisdn_masked", "expires_at", "attempts", "verified_at", "code_digest"
       FROM "care"."verifications" WHERE "verification_id" = $1 AND "person_id" = $2`,
      [verificationId, personId],
    );
    return rows[0] ?? null;
  }
}
