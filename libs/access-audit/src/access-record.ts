import type { Request } from 'express';
import type { AccessActor } from '@bnp/auth';
import { redactPiiInText } from '@bnp/pii';

export type AccessOutcomeName = 'ALLOWED' | 'DENIED' | 'FAILED';

/** One access, as the access_log row and the access.log.v1 event carry it: ids and masked values only. */
export interface AccessRecord {
  id: string;
  occurredAt: Date;
  subject: string;
  actorKind: 'TOKEN' | 'HOLDER';
  roles: string[];
  route: string;
  targetIds: Record<string, string>;
  reason: string | null;
  outcome: AccessOutcomeName;
  status: number;
}

/** Who, which door and which ids, from the request the guard admitted. */
export type AccessDraft = Pick<AccessRecord, 'subject' | 'actorKind' | 'roles' | 'route' | 'targetIds' | 'reason'>;

export function accessDraft(request: Request, actor: AccessActor, reason?: string | null): AccessDraft {
  const template = (request.route as { path?: unknown } | undefined)?.path;
  const route = `${request.method} ${typeof template === 'string' ? template : request.path}`;
  const targetIds = Object.fromEntries(
    Object.entries((request.params ?? {}) as Record<string, string>).map(([name, value]) => [
      name,
      value.slice(0, 200),
    ]),
  );
  const said = reason ?? (actor.kind === 'staff' ? actor.reason : null);
  // The reason is free text typed by staff: a number or CNIC typed into it is masked before it is kept.
  const masked = said ? redactPiiInText(said).slice(0, 500) : null;
  return actor.kind === 'staff'
    ? {
        subject: actor.principal.subject,
        actorKind: 'TOKEN',
        roles: actor.principal.roles,
        route,
        targetIds,
        reason: masked,
      }
    : { subject: `holder:${actor.reference}`, actorKind: 'HOLDER', roles: [], route, targetIds, reason: masked };
}

/** 401, 403, 409 and 429 are refusals of the caller; any other error is a failure. */
export function outcomeOf(status: number): AccessOutcomeName {
  if (status < 400) return 'ALLOWED';
  return [401, 403, 409, 429].includes(status) ? 'DENIED' : 'FAILED';
}
