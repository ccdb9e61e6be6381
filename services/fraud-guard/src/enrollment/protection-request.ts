import { ExposureChange, ProtectiveAction, type RiskTier } from '@bnp/contracts';

/** One SIM of the person; a number no longer held (recycled) has no ciphertext and no blind index. */
export interface SubscriptionState {
  subscriberId: string;
  stillHeld: boolean;
  lineType: number;
  msisdnCiphertext: Buffer | null;
  msisdnMasked: string;
  /** Hex blind index of the normalized MSISDN: what activation compares. */
  msisdnBlindIndex: string | null;
}

/** A validated PersonExposed, as fraud-guard needs it. Carries no plain personal data. */
export interface ProtectionRequest {
  exposureId: string;
  incidentId: string;
  revision: number;
  personId: string;
  change: ExposureChange.NEW | ExposureChange.WIDENED | ExposureChange.RETRACTED;
  tier: RiskTier;
  policyVersion: string;
  policyRule: string;
  /** Distinct, sorted, known actions only. */
  actions: ProtectiveAction[];
  subscriptions: SubscriptionState[];
  dryRun: boolean;
  idempotencyKey: string;
  /** The person's language as the exposure gives it (`ur`, `en`); the one-time code SMS is written in it. */
  language: string;
}

/** What the operator's systems carry out; FRAUD_MONITORING goes to the monitoring partner instead. */
export const OPERATOR_ACTIONS: readonly ProtectiveAction[] = [
  ProtectiveAction.SIM_SWAP_LOCK,
  ProtectiveAction.PORT_OUT_LOCK,
  ProtectiveAction.PIN_RESET,
];

export function operatorActions(actions: readonly ProtectiveAction[]): ProtectiveAction[] {
  return actions.filter((action) => OPERATOR_ACTIONS.includes(action));
}

export function actionNames(actions: readonly number[]): string {
  return actions.map((action) => ProtectiveAction[action] ?? String(action)).join(',');
}

/** Numbers that get protection commands: still held, with a number to act on. */
export function heldSubscriptions(
  subscriptions: readonly SubscriptionState[],
): (SubscriptionState & { msisdnCiphertext: Buffer })[] {
  return subscriptions.filter(
    (subscription): subscription is SubscriptionState & { msisdnCiphertext: Buffer } =>
      subscription.stillHeld && subscription.msisdnCiphertext !== null,
  );
}
