import { Channel, type RiskTier } from '@bnp/contracts';
import type { DeliveryState } from '../dispatch/delivery-state';
import { SealedAad, type ContactSealer } from '../shared/contact-sealer';
import type { NewDelivery } from '../shared/delivery-rows';
import { deliveryIdOf, recipientKeyOf } from '../shared/ids';
import type { NoticeState } from './notice.entity';
import type { DeliveryToCopy } from './notice.transaction';
import type { ReceivedExposure } from './notice-events.decoder';

/** What building delivery rows needs: the key that makes recipient keys, and the sealer for addresses. */
export interface DeliveryKit {
  logHmacKey: Buffer;
  sealer: Pick<ContactSealer, 'seal' | 'open'>;
}

/** The notice the deliveries belong to. */
export interface DeliveryOwner {
  noticeId: string;
  incidentId: string;
  personId: string;
  /** The reference code printed on the notice. */
  marker: string;
  priority: number;
}

/** 1 = CRITICAL ... 4 = LOW; claims take the smallest first. */
export function priorityOf(tier: RiskTier): number {
  return 5 - tier;
}

/** A delivery starts as the notice's state allows: recorded only, held for the enrollment, or queued. */
export function initialDeliveryState(state: NoticeState): DeliveryState {
  return state === 'dry_run' ? 'dry_run' : state === 'awaiting_enrollment' ? 'waiting' : 'queued';
}

/**
 * The deliveries a notice needs: one SMS per distinct number the person holds (a number that is not a
 * Pakistani mobile is recorded, rejected), one email when the exposure asks for email and has an address.
 */
export function noticeDeliveries(
  exposure: ReceivedExposure,
  owner: DeliveryOwner,
  state: NoticeState,
  kit: DeliveryKit,
): NewDelivery[] {
  const initial = initialDeliveryState(state);
  const rows: NewDelivery[] = [];
  const seen = new Set<string>();
  if (exposure.channels.includes(Channel.SMS)) {
    for (const number of exposure.numbers) {
      const recipientKey = recipientKeyOf(kit.logHmacKey, 'msisdn', number.e164 ?? number.raw);
      if (seen.has(recipientKey)) continue; // the same number under two subscriptions gets one SMS
      seen.add(recipientKey);
      const deliveryId = deliveryIdOf(owner.noticeId, 'sms', recipientKey);
      const valid = number.e164 !== null;
      rows.push({
        ...ownedBy(owner),
        deliveryId,
        channel: 'sms',
        recipientKey,
        recipientCiphertext: kit.sealer.seal(number.e164 ?? number.raw, SealedAad.recipient(deliveryId)),
        recipientMasked: number.masked,
        subscriberId: number.subscriberId,
        state: valid ? initial : 'rejected',
        errorCode: valid ? null : 'INVALID_MSISDN',
        errorDetail: valid ? null : 'not a Pakistani mobile number',
      });
    }
  }
  if (exposure.channels.includes(Channel.EMAIL) && exposure.email) {
    const recipientKey = recipientKeyOf(kit.logHmacKey, 'email', exposure.email.address);
    const deliveryId = deliveryIdOf(owner.noticeId, 'email', recipientKey);
    rows.push({
      ...ownedBy(owner),
      deliveryId,
      channel: 'email',
      recipientKey,
      recipientCiphertext: kit.sealer.seal(exposure.email.address, SealedAad.recipient(deliveryId)),
      recipientMasked: exposure.email.masked,
      subscriberId: null,
      state: initial,
    });
  }
  return rows;
}

/** A follow-up goes to the recipients of the notice it completes, each re-sealed for its own row. */
export function copiedDeliveries(recipients: DeliveryToCopy[], owner: DeliveryOwner, kit: DeliveryKit): NewDelivery[] {
  return recipients.map((recipient) => {
    const deliveryId = deliveryIdOf(owner.noticeId, recipient.channel, recipient.recipient_key);
    const plain = kit.sealer.open(recipient.recipient_ciphertext, SealedAad.recipient(recipient.delivery_id));
    return {
      ...ownedBy(owner),
      deliveryId,
      channel: recipient.channel,
      recipientKey: recipient.recipient_key,
      recipientCiphertext: kit.sealer.seal(plain, SealedAad.recipient(deliveryId)),
      recipientMasked: recipient.recipient_masked,
      subscriberId: recipient.subscriber_id,
      state: 'queued',
    };
  });
}

function ownedBy(owner: DeliveryOwner) {
  return {
    noticeId: owner.noticeId,
    incidentId: owner.incidentId,
    personId: owner.personId,
    priority: owner.priority,
    marker: owner.marker,
  };
}
