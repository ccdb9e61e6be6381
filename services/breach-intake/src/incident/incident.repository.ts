import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxWriter, type OutboxMessage } from '@bnp/messaging';
import { IncidentRevisionEntity } from './incident-revision.entity';
import { IncidentEntity } from './incident.entity';

export const INTAKE_OUTBOX = Symbol('INTAKE_OUTBOX');

/** Unit of work for recording a revision: everything inside commits together, outbox included. */
export class IncidentTransaction {
  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Serialises work on one incident across consumers and instances until the transaction ends. */
  async lockIncident(incidentId: string): Promise<IncidentEntity | null> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`incident:${incidentId}`]);
    return this.manager.findOne(IncidentEntity, { where: { incidentId } });
  }

  findRevision(incidentId: string, revision: number): Promise<IncidentRevisionEntity | null> {
    return this.manager.findOne(IncidentRevisionEntity, { where: { incidentId, revision } });
  }

  findRevisionByEventId(eventId: string): Promise<IncidentRevisionEntity | null> {
    return this.manager.findOne(IncidentRevisionEntity, { where: { eventId } });
  }

  async insertRevision(revision: IncidentRevisionEntity): Promise<void> {
    await this.manager.insert(IncidentRevisionEntity, revision);
  }

  async saveIncident(incident: Omit<IncidentEntity, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.manager.query(
      `INSERT INTO "intake"."incidents" ("incident_id", "current_revision", "current_revision_id", "jurisdiction", "detected_at")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("incident_id") DO UPDATE SET "current_revision" = EXCLUDED."current_revision",
         "current_revision_id" = EXCLUDED."current_revision_id", "jurisdiction" = EXCLUDED."jurisdiction",
         "detected_at" = EXCLUDED."detected_at", "updated_at" = now()`,
      [
        incident.incidentId,
        incident.currentRevision,
        incident.currentRevisionId,
        incident.jurisdiction,
        incident.detectedAt,
      ],
    );
  }

  appendOutbox(messages: OutboxMessage[]): Promise<void> {
    return this.outbox.append(this.manager, messages);
  }
}

@Injectable()
export class IncidentRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(INTAKE_OUTBOX) private readonly outbox: OutboxWriter,
  ) {}

  inTransaction<T>(work: (tx: IncidentTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new IncidentTransaction(manager, this.outbox)));
  }

  findIncident(incidentId: string): Promise<IncidentEntity | null> {
    return this.dataSource.getRepository(IncidentEntity).findOne({ where: { incidentId } });
  }

  listRevisions(incidentId: string): Promise<IncidentRevisionEntity[]> {
    return this.dataSource
      .getRepository(IncidentRevisionEntity)
      .find({ where: { incidentId }, order: { revision: 'ASC' } });
  }
}
