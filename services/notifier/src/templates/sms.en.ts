import { ProtectiveAction } from '@bnp/contracts';
import type { ActivationSmsTemplate, NoticeContext, SmsTemplate, TierName } from './template';
import { bySeverity, CATEGORY_WORDS, formatDate, formatTime } from './vocabulary';

// Short first notices. No links: a real notice has to be checkable by calling the helpline, since
// scammers text leaked customers with lookalike links. Plain GSM-7 characters only (no curly quotes),
// so an English SMS is never switched to UCS-2.
const VERSION = '2026-11-25.1';
const SMS_CATEGORY_LIMIT = 3;

function categories(context: NoticeContext, source: 'all' | 'new'): string {
  const list = bySeverity(source === 'all' ? context.categories : context.newCategories);
  const named = list.slice(0, SMS_CATEGORY_LIMIT).map((category) => CATEGORY_WORDS.en[category].short);
  const more = list.length - named.length;
  const text = named.length > 1 ? `${named.slice(0, -1).join(', ')} & ${named.at(-1)}` : (named[0] ?? 'personal data');
  return more > 0 ? `${text} +${more} more` : text;
}

function protection(context: NoticeContext): string {
  const parts: string[] = [];
  const has = (action: ProtectiveAction) => context.actions.includes(action);
  if (has(ProtectiveAction.SIM_SWAP_LOCK) || has(ProtectiveAction.PORT_OUT_LOCK))
    parts.push('We locked SIM swap on your number.');
  if (has(ProtectiveAction.PIN_RESET)) parts.push('Your PIN was reset.');
  if (has(ProtectiveAction.FRAUD_MONITORING)) {
    parts.push(context.activationCode ? `Fraud-watch code ${context.activationCode}.` : 'Protection details follow.');
  }
  return parts.join(' ');
}

const DO_NOW: Record<TierName, string> = {
  critical: 'Never share PIN/OTP; tell your bank of odd activity.',
  high: 'Never share PIN/OTP; we never ask for it.',
  medium: 'Be wary of callers who know about you.',
  low: 'Beware of scam calls and texts.',
};

function footer(context: NoticeContext): string {
  return `Help ${context.helpline} Ref ${context.referenceCode}`;
}

function noticeTemplate(tier: TierName): SmsTemplate {
  return {
    id: `notice.sms.en.${tier}`,
    version: VERSION,
    purpose: 'notice',
    channel: 'sms',
    language: 'en',
    tier,
    maxSegments: 3,
    render(context) {
      const found = formatDate(context.detectedAt);
      const opening =
        context.change === 'widened'
          ? `${context.operatorName} update: the data breach also exposed your ${categories(context, 'new')}.`
          : `${tier === 'critical' ? 'URGENT ' : ''}${context.operatorName}: a data breach${found ? ` found ${found}` : ''} exposed your ${categories(context, 'all')}.`;
      const body = [opening, protection(context), DO_NOW[tier], footer(context)].filter(Boolean).join(' ');
      return { body };
    },
  };
}

export const correctionSmsEn: SmsTemplate = {
  id: 'correction.sms.en',
  version: VERSION,
  purpose: 'correction',
  channel: 'sms',
  language: 'en',
  tier: null,
  maxSegments: 2,
  render: (context) => ({
    body: `${context.operatorName} correction: our earlier breach message does not apply to you; your data was not affected. No action needed. ${footer(context)}`,
  }),
};

export const protectionSmsEn: SmsTemplate = {
  id: 'protection.sms.en',
  version: VERSION,
  purpose: 'protection',
  channel: 'sms',
  language: 'en',
  tier: null,
  maxSegments: 2,
  render: (context) => ({
    body: `${context.operatorName}: your free fraud-watch protection is ready. Activation code ${context.activationCode ?? '-'}. Activate it via the helpline. ${footer(context)}`,
  }),
};

export const noticeSmsEn: Record<TierName, SmsTemplate> = {
  critical: noticeTemplate('critical'),
  high: noticeTemplate('high'),
  medium: noticeTemplate('medium'),
  low: noticeTemplate('low'),
};

// The one-time code the person asked for when activating fraud-watch: one segment, the code first
// (phones offer to copy it), when it stops working, and that nobody may be told it, not even us.
export const activationSmsEn: ActivationSmsTemplate = {
  id: 'activation.sms.en',
  version: '2026-12-05.1',
  purpose: 'activation',
  channel: 'sms',
  language: 'en',
  tier: null,
  maxSegments: 1,
  render: (context) => ({
    body: `${context.oneTimeCode} is your ${context.operatorName} fraud-watch code. It expires at ${formatTime(context.expiresAt)}. Never share it with anyone, not even our staff. Ref ${context.referenceCode}`,
  }),
};

// The care code a helpline agent asked for to verify a caller: one segment, the code first. The caller
// reads it back to the agent, so unlike the fraud-watch code it is said aloud, but only to us and only
// on a call the person made: a fraudster who calls them pretending to be us must not get it.
export const careCodeSmsEn: ActivationSmsTemplate = {
  id: 'care-code.sms.en',
  version: '2026-12-08.1',
  purpose: 'care-code',
  channel: 'sms',
  language: 'en',
  tier: null,
  maxSegments: 1,
  render: (context) => ({
    body: `${context.oneTimeCode} is your ${context.operatorName} care code. Read it to our helpline agent only on a call you made to us. It expires at ${formatTime(context.expiresAt)}. Ref ${context.referenceCode}`,
  }),
};
