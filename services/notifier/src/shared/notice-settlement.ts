import { LogEntryKind } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import type { EntityManager } from 'typeorm';
import { hasReached, isFinal, type DeliveryChannel, type DeliveryState } from '../dispatch/delivery-state';
import { notificationLogMessage } from '../notification-log/log-entry';

/**
 * Decides a notice's outcome after one of its deliveries changed: reached as soon as any channel
 * got it to the person; unreachable once every delivery is final and none did (the count a regulator
 * asks for before substitute notice). Locks the notice row so two deliveries finishing at once
 * cannot both miss that they were the last.
 */
export async function settleNotice(
  manager: EntityManager,
  noticeId: string,
  logTopic: string,
): Promise<OutboxMessage[]> {
  const [notice] = await manager.query<{ incident_id: string; person_id: string; revision: number; kind: string }[]>(
    `SELECT "incident_id", "person_id", "revision", "kind" FROM "notify"."notices" WHERE "notice_id" = $1 AND "outcome" = 'pending' FOR UPDATE`,
    [noticeId],
  );
  if (!notice) return [];
  const deliveries = await manager.query<{ channel: DeliveryChannel; state: DeliveryState }[]>(
    `SELECT "channel", "state" FROM "notify"."deliveries" WHERE "notice_id" = $1`,
    [noticeId],
  );
  const reached = deliveries.some((delivery) => hasReached(delivery.channel, delivery.state));
  const allFinal = deliveries.every((delivery) => isFinal(delivery.channel, delivery.state));
  if (!reached && !allFinal) return [];
  const outcome = reached ? 'reached' : 'unreachable';
  await manager.query(`UPDATE "notify"."notices" SET "outcome" = $2, "settled_at" = now() WHERE "notice_id" = $1`, [
    noticeId,
    outcome,
  ]);
  // An activation code that did not arrive is not an unreached breach notice: its delivery's own entry says so.
  if (outcome === 'reached' || notice.kind === 'activation') return [];
  return [
    notificationLogMessage(logTopic, {
      incidentId: notice.incident_id,
      revision: notice.revision,
      personId: notice.person_id,
      subjectId: noticeId,
      kind: LogEntryKind.UNREACHABLE,
      channel: null,
      status: 'unreachable',
      detail: `${deliveries.length} deliveries, none reached the person`,
    }),
  ];
}
