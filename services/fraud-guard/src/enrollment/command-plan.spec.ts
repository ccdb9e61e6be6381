import { ProtectiveAction } from '@bnp/contracts';
import { planCommands } from './command-plan';
import type { SubscriptionState } from './protection-request';

const { SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET, FRAUD_MONITORING } = ProtectiveAction;

function subscription(subscriberId: string, stillHeld = true): SubscriptionState {
  return {
    subscriberId,
    stillHeld,
    lineType: 1,
    msisdnCiphertext: stillHeld ? Buffer.from([1, 2, 3]) : null,
    msisdnMasked: '+92 3** *** **67',
    msisdnBlindIndex: stillHeld ? 'ab' : null,
  };
}

describe(planCommands.name, () => {
  it('commands the operator actions on every number still held, none on recycled ones', () => {
    const sut = planCommands(
      [subscription('s1'), subscription('s2', false), subscription('s3')],
      [SIM_SWAP_LOCK, PORT_OUT_LOCK, FRAUD_MONITORING],
    );
    expect(sut.map((command) => [command.subscription.subscriberId, command.actions])).toEqual([
      ['s1', [SIM_SWAP_LOCK, PORT_OUT_LOCK]],
      ['s3', [SIM_SWAP_LOCK, PORT_OUT_LOCK]],
    ]);
  });

  it('commands nothing when only monitoring is asked for', () => {
    expect(planCommands([subscription('s1')], [FRAUD_MONITORING])).toEqual([]);
  });

  it('adds only what a widening revision asks for beyond earlier commands, and a number seen for the first time gets all', () => {
    const sut = planCommands(
      [subscription('s1'), subscription('s2')],
      [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET],
      new Map([['s1', new Set<number>([SIM_SWAP_LOCK, PORT_OUT_LOCK])]]),
    );
    expect(sut.map((command) => [command.subscription.subscriberId, command.actions])).toEqual([
      ['s1', [PIN_RESET]],
      ['s2', [SIM_SWAP_LOCK, PORT_OUT_LOCK, PIN_RESET]],
    ]);
  });

  it('adds nothing when a replayed revision asks for what was already commanded', () => {
    expect(
      planCommands([subscription('s1')], [SIM_SWAP_LOCK], new Map([['s1', new Set<number>([SIM_SWAP_LOCK])]])),
    ).toEqual([]);
  });
});
