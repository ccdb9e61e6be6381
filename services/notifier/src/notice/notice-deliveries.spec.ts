import { Channel, RiskTier } from '@bnp/contracts';
import { aNumber, anExposure, kit } from './notice.factory';
import { copiedDeliveries, initialDeliveryState, noticeDeliveries, priorityOf } from './notice-deliveries';

const owner = { noticeId: 'n-1', incidentId: 'INC-1', personId: 'P-1', marker: 'ABCDE-FGHJK', priority: 2 };

describe(noticeDeliveries.name, () => {
  it('sends one SMS to a number held under two subscriptions', () => {
    const exposure = anExposure({
      channels: [Channel.SMS],
      numbers: [aNumber({ subscriberId: 'S-1' }), aNumber({ subscriberId: 'S-2' })],
    });
    const sut = noticeDeliveries(exposure, owner, 'ready', kit);
    expect(sut).toHaveLength(1);
    expect(sut[0]).toMatchObject({ channel: 'sms', subscriberId: 'S-1', state: 'queued', marker: 'ABCDE-FGHJK' });
  });

  it('records a number that is not a Pakistani mobile as rejected, with the reason', () => {
    const exposure = anExposure({ channels: [Channel.SMS], numbers: [aNumber({ e164: null, raw: '0421234567' })] });
    const [sut] = noticeDeliveries(exposure, owner, 'ready', kit);
    expect(sut).toMatchObject({ state: 'rejected', errorCode: 'INVALID_MSISDN' });
    expect(sut?.recipientCiphertext.toString()).toContain('0421234567');
  });

  it('emails only when email is a channel of the exposure and there is an address', () => {
    expect(
      noticeDeliveries(anExposure({ channels: [Channel.SMS] }), owner, 'ready', kit).map((d) => d.channel),
    ).toEqual(['sms']);
    expect(noticeDeliveries(anExposure({ email: null }), owner, 'ready', kit).map((d) => d.channel)).toEqual(['sms']);
  });

  it('seals each recipient under its own delivery id', () => {
    for (const row of noticeDeliveries(anExposure(), owner, 'ready', kit)) {
      expect(row.recipientCiphertext.toString().startsWith(`notify:delivery:${row.deliveryId}|`)).toBe(true);
    }
  });

  it('gives the same ids to the same notice and recipients (a redelivery inserts nothing new)', () => {
    const ids = () => noticeDeliveries(anExposure(), owner, 'ready', kit).map((row) => row.deliveryId);
    expect(ids()).toEqual(ids());
  });
});

describe(initialDeliveryState.name, () => {
  it.each([
    ['ready', 'queued'],
    ['awaiting_enrollment', 'waiting'],
    ['dry_run', 'dry_run'],
  ] as const)('a %s notice starts its deliveries %s', (state, expected) => {
    expect(initialDeliveryState(state)).toBe(expected);
  });
});

describe(priorityOf.name, () => {
  it('claims CRITICAL first and LOW last', () => {
    expect([RiskTier.CRITICAL, RiskTier.HIGH, RiskTier.MEDIUM, RiskTier.LOW].map(priorityOf)).toEqual([1, 2, 3, 4]);
  });
});

describe(copiedDeliveries.name, () => {
  it('re-seals each copied recipient under the new delivery id, queued', () => {
    const sealedFor = 'old-delivery';
    const recipients = [
      {
        delivery_id: sealedFor,
        channel: 'sms' as const,
        recipient_key: 'rk-1',
        recipient_ciphertext: kit.sealer.seal('+923001234567', `notify:delivery:${sealedFor}`),
        recipient_masked: '+92300****567',
        subscriber_id: 'S-1',
      },
    ];
    const [sut] = copiedDeliveries(recipients, owner, kit);
    expect(sut).toMatchObject({ state: 'queued', recipientKey: 'rk-1', subscriberId: 'S-1', noticeId: 'n-1' });
    expect(sut?.recipientCiphertext.toString()).toBe(`notify:delivery:${sut?.deliveryId}|+923001234567`);
  });
});
