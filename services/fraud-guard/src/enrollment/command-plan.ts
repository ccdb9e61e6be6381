import type { ProtectiveAction } from '@bnp/contracts';
import { heldSubscriptions, operatorActions, type SubscriptionState } from './protection-request';

export interface PlannedCommand {
  subscription: SubscriptionState & { msisdnCiphertext: Buffer };
  actions: ProtectiveAction[];
}

/**
 * Which commands a revision adds: for each number the person still holds, the operator actions asked
 * for that no earlier command on that number carried. Recycled numbers get nothing; nothing is ever
 * taken back (a narrowed scope keeps its locks).
 */
export function planCommands(
  subscriptions: readonly SubscriptionState[],
  requested: readonly ProtectiveAction[],
  alreadyCommanded: ReadonlyMap<string, ReadonlySet<number>> = new Map(),
): PlannedCommand[] {
  const wanted = operatorActions(requested);
  if (wanted.length === 0) return [];
  return heldSubscriptions(subscriptions)
    .map((subscription) => {
      const done = alreadyCommanded.get(subscription.subscriberId);
      return { subscription, actions: wanted.filter((action) => !done?.has(action)) };
    })
    .filter((command) => command.actions.length > 0);
}
