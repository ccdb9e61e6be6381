import { ProtectionOutcome, ProtectiveAction } from '@bnp/contracts';
import { ProtectionLedger } from './ledger';

describe('ProtectionLedger', () => {
  it('applies a command once and answers its re-send ALREADY_APPLIED', () => {
    const ledger = new ProtectionLedger();
    const command = {
      commandId: 'c-1',
      subscriberId: 'sub-1',
      actions: [ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.PORT_OUT_LOCK],
    };
    expect(ledger.apply(command)).toEqual({
      outcome: ProtectionOutcome.APPLIED,
      detail: 'SIM_SWAP_LOCK,PORT_OUT_LOCK',
    });
    expect(ledger.apply(command).outcome).toBe(ProtectionOutcome.ALREADY_APPLIED);
    expect([...(ledger.line('sub-1')?.actions ?? [])]).toEqual([
      ProtectiveAction.SIM_SWAP_LOCK,
      ProtectiveAction.PORT_OUT_LOCK,
    ]);
  });

  it('adds a later command to what the line already carries', () => {
    const ledger = new ProtectionLedger();
    ledger.apply({ commandId: 'c-1', subscriberId: 'sub-1', actions: [ProtectiveAction.SIM_SWAP_LOCK] });
    expect(
      ledger.apply({ commandId: 'c-2', subscriberId: 'sub-1', actions: [ProtectiveAction.PIN_RESET] }).outcome,
    ).toBe(ProtectionOutcome.APPLIED);
    expect(ledger.line('sub-1')?.actions.size).toBe(2);
    expect(ledger.lineCount).toBe(1);
  });

  it('rejects a command that asks for nothing the operator carries out', () => {
    const ledger = new ProtectionLedger();
    expect(
      ledger.apply({ commandId: 'c-1', subscriberId: 'sub-1', actions: [ProtectiveAction.FRAUD_MONITORING] }),
    ).toEqual({ outcome: ProtectionOutcome.REJECTED, detail: 'no operator action in command' });
    expect(ledger.line('sub-1')).toBeUndefined();
  });
});
