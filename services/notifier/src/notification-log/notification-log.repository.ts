import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotificationLogEntity } from './notification-log.entity';

export type NewLogEntry = Omit<NotificationLogEntity, 'seq' | 'recordedAt'>;

/** Appends to notify.notification_log. The table refuses updates and deletes; an entry id is written once. */
@Injectable()
export class NotificationLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends entries in one statement; returns, per entry, whether it was new (false: already logged). */
  async appendAll(entries: NewLogEntry[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const column = <K extends keyof NewLogEntry>(key: K) => entries.map((entry) => entry[key]);
    const inserted = await this.dataSource.query<{ entry_id: string }[]>(
      `INSERT INTO "notify"."notification_log" ("entry_id", "occurred_at", "source", "incident_id", "revision", "person_id", "subject_id",
         "kind", "channel", "status", "template_id", "template_version", "content_hmac", "provider_ref", "recipient_masked", "error_code",
         "detail", "source_partition", "source_offset")
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[],
         $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::int[], $19::text[])
       ON CONFLICT ("entry_id") DO NOTHING RETURNING "entry_id"`,
      [
        column('entryId'),
        column('occurredAt'),
        column('source'),
        column('incidentId'),
        column('revision'),
        column('personId'),
        column('subjectId'),
        column('kind'),
        column('channel'),
        column('status'),
        column('templateId'),
        column('templateVersion'),
        column('contentHmac'),
        column('providerRef'),
        column('recipientMasked'),
        column('errorCode'),
        column('detail'),
        column('sourcePartition'),
        column('sourceOffset'),
      ],
    );
    const fresh = new Set(inserted.map((row) => row.entry_id));
    return entries.map((entry) => fresh.has(entry.entryId));
  }
}
