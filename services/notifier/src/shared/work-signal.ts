import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from './tokens';

/** PostgreSQL channel that wakes other instances' schedulers; the payload is the sender's instance id. */
export const WORK_CHANNEL = 'notify_work';
const NOTIFY_AT_MOST_EVERY_MS = 100;

/**
 * "Deliveries became ready": wakes this instance's scheduler at once and, at most ten times a
 * second, other instances through a NOTIFY sent on its own after the commit. A NOTIFY inside the
 * recording transaction would make every such transaction in the database commit one at a time
 * (PostgreSQL holds a database-wide lock on the notification queue through the commit's WAL flush).
 */
@Injectable()
export class WorkSignal {
  private readonly listeners = new Set<() => void>();
  private lastNotifyAt = 0;
  private trailing: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
  ) {}

  onWork(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call after the commit that made work ready. */
  raise(): void {
    for (const listener of this.listeners) listener();
    const wait = this.lastNotifyAt + NOTIFY_AT_MOST_EVERY_MS - Date.now();
    if (wait <= 0) this.notifyOthers();
    else this.trailing ??= setTimeout(() => this.notifyOthers(), wait);
  }

  private notifyOthers(): void {
    this.trailing = undefined;
    this.lastNotifyAt = Date.now();
    // Best effort: other instances poll anyway.
    this.dataSource
      .query('SELECT pg_notify($1, $2)', [WORK_CHANNEL, this.config.NOTIFIER_INSTANCE_ID])
      .catch(() => undefined);
  }
}
