import { ProtectionOutcome, ProtectiveAction } from '@bnp/contracts';

/** The locks and resets a subscriber line carries in the stand-in's memory. */
export interface LineState {
  actions: Set<ProtectiveAction>;
  commandIds: Set<string>;
}

export interface Decision {
  outcome: ProtectionOutcome;
  detail: string;
}

/** The operator actions the stand-in carries out; FRAUD_MONITORING is the monitoring partner's business. */
const OPERATOR_ACTIONS = new Set([
  ProtectiveAction.SIM_SWAP_LOCK,
  ProtectiveAction.PORT_OUT_LOCK,
  ProtectiveAction.PIN_RESET,
]);

/**
 * What the operator's provisioning answers, kept in memory: a command applies its actions to the
 * line; the same command id again (a re-send of an unacknowledged command) is answered
 * ALREADY_APPLIED without applying twice; a command asking for nothing the operator does is REJECTED.
 */
export class ProtectionLedger {
  private readonly lines = new Map<string, LineState>();

  apply(command: { commandId: string; subscriberId: string; actions: readonly ProtectiveAction[] }): Decision {
    const line = this.lines.get(command.subscriberId) ?? { actions: new Set(), commandIds: new Set() };
    if (line.commandIds.has(command.commandId)) {
      return { outcome: ProtectionOutcome.ALREADY_APPLIED, detail: 'command already applied' };
    }
    const actions = command.actions.filter((action) => OPERATOR_ACTIONS.has(action));
    if (actions.length === 0) return { outcome: ProtectionOutcome.REJECTED, detail: 'no operator action in command' };
    for (const action of actions) line.actions.add(action);
    line.commandIds.add(command.commandId);
    this.lines.set(command.subscriberId, line);
    return { outcome: ProtectionOutcome.APPLIED, detail: actions.map((action) => ProtectiveAction[action]).join(',') };
  }

  get lineCount(): number {
    return this.lines.size;
  }

  line(subscriberId: string): LineState | undefined {
    return this.lines.get(subscriberId);
  }
}
