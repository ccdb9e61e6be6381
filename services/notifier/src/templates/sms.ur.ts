import { ProtectiveAction } from '@bnp/contracts';
import type { ActivationSmsTemplate, NoticeContext, SmsTemplate, TierName } from './template';
import { bySeverity, CATEGORY_WORDS, formatDate, formatTime } from './vocabulary';

// Urdu SMS are UCS-2: 70 characters in one part, 67 per part when split, so every word counts.
// No links (see sms.en.ts). Codes and numbers keep Western digits, as printed on cards and receipts.
const VERSION = '2026-11-25.1';
const SMS_CATEGORY_LIMIT = 3;

function categories(context: NoticeContext, source: 'all' | 'new'): string {
  const list = bySeverity(source === 'all' ? context.categories : context.newCategories);
  const named = list.slice(0, SMS_CATEGORY_LIMIT).map((category) => CATEGORY_WORDS.ur[category].short);
  const more = list.length - named.length;
  const text = named.length > 0 ? named.join('، ') : 'ذاتی معلومات';
  return more > 0 ? `${text} اور ${more} مزید` : text;
}

function protection(context: NoticeContext): string {
  const parts: string[] = [];
  const has = (action: ProtectiveAction) => context.actions.includes(action);
  if (has(ProtectiveAction.SIM_SWAP_LOCK) || has(ProtectiveAction.PORT_OUT_LOCK))
    parts.push('آپ کے نمبر پر سم تبدیلی بند کر دی گئی ہے۔');
  if (has(ProtectiveAction.PIN_RESET)) parts.push('آپ کا PIN ری سیٹ ہو گیا ہے۔');
  if (has(ProtectiveAction.FRAUD_MONITORING)) {
    parts.push(
      context.activationCode ? `فراڈ نگرانی کوڈ ${context.activationCode}۔` : 'تحفظ کی تفصیل جلد بھیجی جائے گی۔',
    );
  }
  return parts.join(' ');
}

const DO_NOW: Record<TierName, string> = {
  critical: 'PIN یا OTP کسی کو نہ بتائیں۔',
  high: 'PIN یا OTP کسی کو نہ بتائیں۔',
  medium: 'آپ کے بارے میں جاننے والے کالرز سے ہوشیار رہیں۔',
  low: 'فراڈ کالوں اور پیغامات سے ہوشیار رہیں۔',
};

function footer(context: NoticeContext): string {
  return `ہیلپ لائن ${context.helpline} حوالہ ${context.referenceCode}`;
}

function noticeTemplate(tier: TierName): SmsTemplate {
  return {
    id: `notice.sms.ur.${tier}`,
    version: VERSION,
    purpose: 'notice',
    channel: 'sms',
    language: 'ur',
    tier,
    maxSegments: 6,
    render(context) {
      const found = formatDate(context.detectedAt);
      const opening =
        context.change === 'widened'
          ? `${context.operatorNameUr}: ڈیٹا چوری میں آپ کا ${categories(context, 'new')} بھی شامل تھا۔`
          : `${tier === 'critical' ? 'فوری۔ ' : ''}${context.operatorNameUr}: ${found ? `${found} کو ` : ''}ڈیٹا چوری میں آپ کا ${categories(context, 'all')} چوری ہوا۔`;
      const body = [opening, protection(context), DO_NOW[tier], footer(context)].filter(Boolean).join(' ');
      return { body };
    },
  };
}

export const noticeSmsUr: Record<TierName, SmsTemplate> = {
  critical: noticeTemplate('critical'),
  high: noticeTemplate('high'),
  medium: noticeTemplate('medium'),
  low: noticeTemplate('low'),
};

export const correctionSmsUr: SmsTemplate = {
  id: 'correction.sms.ur',
  version: VERSION,
  purpose: 'correction',
  channel: 'sms',
  language: 'ur',
  tier: null,
  maxSegments: 3,
  render: (context) => ({
    body: `${context.operatorNameUr}: درستی۔ ڈیٹا چوری کا پچھلا پیغام آپ پر لاگو نہیں؛ آپ کا ڈیٹا محفوظ ہے۔ کچھ کرنے کی ضرورت نہیں۔ ${footer(context)}`,
  }),
};

export const protectionSmsUr: SmsTemplate = {
  id: 'protection.sms.ur',
  version: VERSION,
  purpose: 'protection',
  channel: 'sms',
  language: 'ur',
  tier: null,
  maxSegments: 3,
  render: (context) => ({
    body: `${context.operatorNameUr}: آپ کی مفت فراڈ نگرانی تیار ہے۔ کوڈ ${context.activationCode ?? '-'}۔ ہیلپ لائن سے فعال کریں۔ ${footer(context)}`,
  }),
};

// The one-time code in Urdu (UCS-2, 67 characters a part when split): the code, its expiry, never share it.
export const activationSmsUr: ActivationSmsTemplate = {
  id: 'activation.sms.ur',
  version: '2026-12-05.1',
  purpose: 'activation',
  channel: 'sms',
  language: 'ur',
  tier: null,
  maxSegments: 2,
  render: (context) => ({
    body: `${context.operatorNameUr} فراڈ نگرانی کوڈ ${context.oneTimeCode}۔ ${formatTime(context.expiresAt)} تک کارآمد۔ کسی کو نہ بتائیں، ہمارے عملے کو بھی نہیں۔ حوالہ ${context.referenceCode}`,
  }),
};

// The care code in Urdu (UCS-2, 67 characters a part when split): the code, that it is told only to our
// helpline agent on a call the person made to us themselves (see sms.en.ts), and its expiry.
export const careCodeSmsUr: ActivationSmsTemplate = {
  id: 'care-code.sms.ur',
  version: '2026-12-08.1',
  purpose: 'care-code',
  channel: 'sms',
  language: 'ur',
  tier: null,
  maxSegments: 2,
  render: (context) => ({
    body: `${context.operatorNameUr} کیئر کوڈ ${context.oneTimeCode}۔ یہ صرف ہمیں خود کی گئی کال پر ہمارے ہیلپ لائن ایجنٹ کو بتائیں۔ ${formatTime(context.expiresAt)} تک کارآمد۔ حوالہ ${context.referenceCode}`,
  }),
};
