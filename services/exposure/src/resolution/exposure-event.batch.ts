import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { AccountStatus } from '../directory/directory.enums';
import { categoriesOf } from '../policy/categories';
import type { RiskPolicy } from '../policy/risk-policy';
import {
  encodePersonExposed,
  type PersonExposedFields,
  type PersonExposedSubscription,
} from './person-exposed.encoder';

const EMPTY = new Uint8Array();
const FORMER = Number(AccountStatus.Former);

/** An event row; what every event of a revision shares (policy version, dry run) comes from the revision. */
export interface EventHead {
  id: string;
  person_id: string;
  exposure_id: string;
  change: number;
  categories: number;
  new_categories: number;
  tier: number;
  policy_rule: string;
  subscriber_ids: string[];
  notice_already_sent: boolean;
}

export interface PersonRow {
  person_id: string;
  email_enc: Buffer | null;
  email_masked: string | null;
  language: string;
}

export interface SubscriberRow {
  subscriber_id: string;
  msisdn_enc: Buffer;
  msisdn_masked: string;
  account_status: number;
  line_type: number;
}

/** A batch of event rows with the directory rows they name, looked up at publish time. */
export interface DirectoryBatch {
  events: EventHead[];
  personById: Map<string, PersonRow>;
  subscriberById: Map<string, SubscriberRow>;
}

/** A released revision whose events are not all acknowledged yet, with what every event of it shares. */
export interface PendingRevision {
  incidentId: string;
  revision: number;
  /** The highest event id the broker acknowledged. */
  cursor: string;
  published: number;
  policyVersion: string;
  dryRun: boolean;
  detectedAt: Timestamp;
  occurredTo: Timestamp;
  jurisdiction: string;
  attackVectors: number[];
}

export interface Batch {
  lastId: string;
  messages: { key: string; value: Buffer }[];
}

/** Encodes a batch of event rows as exposure.v1 messages keyed by person; actions and category lists are computed once per distinct value. */
export function encodeBatch(directory: DirectoryBatch, revision: PendingRevision, policy: RiskPolicy): Batch {
  const rows = directory.events;
  const actions = new Map<number, number[]>();
  const categories = new Map<number, number[]>();
  const categoriesOfMask = (mask: number) => {
    let list = categories.get(mask);
    if (!list) categories.set(mask, (list = categoriesOf(mask)));
    return list;
  };
  const messages = rows.map((row) => {
    const actionKey = row.tier * 2 ** 31 + row.categories;
    let rowActions = actions.get(actionKey);
    if (!rowActions) actions.set(actionKey, (rowActions = policy.actionsFor(row.tier, row.categories)));
    return {
      key: row.person_id,
      value: encodePersonExposed(personExposedFields(row, directory, revision, rowActions, categoriesOfMask, policy)),
    };
  });
  return { lastId: rows[rows.length - 1]!.id, messages };
}

/** One PersonExposed from its event row, the directory at publish time and what its revision shares. */
export function personExposedFields(
  row: EventHead,
  directory: DirectoryBatch,
  meta: PendingRevision,
  actions: number[],
  categoriesOfMask: (mask: number) => number[],
  policy: RiskPolicy,
): PersonExposedFields {
  const person = directory.personById.get(row.person_id);
  // The event's subscriptions still in the directory, in the event's order.
  const subscriptions: PersonExposedSubscription[] = [];
  for (const subscriberId of row.subscriber_ids) {
    const subscriber = directory.subscriberById.get(subscriberId);
    if (!subscriber) continue;
    // Only the current holder of a number may be texted or locked: a former customer's number may be someone else's now.
    const stillHeld = subscriber.account_status !== FORMER;
    subscriptions.push({
      subscriberId,
      stillHeld,
      lineType: subscriber.line_type,
      msisdnCiphertext: stillHeld ? subscriber.msisdn_enc : EMPTY,
      msisdnMasked: subscriber.msisdn_masked,
    });
  }
  return {
    exposureId: row.exposure_id,
    incidentId: meta.incidentId,
    revision: meta.revision,
    personId: row.person_id,
    change: row.change,
    categories: categoriesOfMask(row.categories),
    newCategories: categoriesOfMask(row.new_categories),
    tier: row.tier,
    policyVersion: meta.policyVersion,
    policyRule: row.policy_rule,
    channels: policy.tierPolicy(row.tier).channels,
    actions,
    subscriptions,
    emailCiphertext: person?.email_enc ?? EMPTY,
    emailMasked: person?.email_masked ?? '',
    language: person?.language ?? 'ur',
    dryRun: meta.dryRun,
    noticeAlreadySent: row.notice_already_sent,
    detectedAt: meta.detectedAt,
    occurredTo: meta.occurredTo,
    jurisdiction: meta.jurisdiction,
    idempotencyKey: `${meta.incidentId}:${row.person_id}:${meta.revision}`,
    attackVectors: meta.attackVectors,
  };
}
