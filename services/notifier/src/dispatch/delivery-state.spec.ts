import { fromTwilioStatus, hasReached, isFinal, progressRank } from './delivery-state';

describe(progressRank.name, () => {
  it('orders Twilio statuses so a late callback cannot move a delivery back', () => {
    const order = ['queued', 'sent', 'delivered'].map((status) => progressRank(fromTwilioStatus(status)!));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(progressRank(fromTwilioStatus('sent')!)).toBeLessThan(progressRank(fromTwilioStatus('undelivered')!));
    expect(progressRank('accepted')).toBeGreaterThan(progressRank('sending'));
  });

  it('maps every outbound Twilio status and ignores inbound ones', () => {
    expect(fromTwilioStatus('accepted')).toBe('accepted');
    expect(fromTwilioStatus('scheduled')).toBe('accepted');
    expect(fromTwilioStatus('sending')).toBe('accepted');
    expect(fromTwilioStatus('read')).toBe('delivered');
    expect(fromTwilioStatus('canceled')).toBe('failed');
    expect(fromTwilioStatus('received')).toBeNull();
    expect(fromTwilioStatus('something-new')).toBeNull();
  });

  it('treats an SMTP-accepted email as final and reached, but an SMS only once delivered', () => {
    expect(isFinal('email', 'sent')).toBe(true);
    expect(hasReached('email', 'sent')).toBe(true);
    expect(isFinal('sms', 'sent')).toBe(false);
    expect(hasReached('sms', 'sent')).toBe(false);
    expect(hasReached('sms', 'delivered')).toBe(true);
    expect(isFinal('sms', 'unknown')).toBe(false);
  });
});
