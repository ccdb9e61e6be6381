import { AttackVector, PiiCategory, ProtectiveAction } from '@bnp/contracts';
import { NOTICE_TIME_ZONE } from '../dispatch/quiet-hours';
import type { Language } from './template';

interface CategoryWords {
  /** Short form for SMS. */
  short: string;
  /** Full form for the email. */
  full: string;
  /** What someone holding it could do (email). */
  consequence: string;
}

type Vocabulary<T> = Record<Language, T>;

/** Most harmful first: an SMS that can only name a few names these. */
export const CATEGORY_SEVERITY_ORDER: PiiCategory[] = [
  PiiCategory.CREDENTIALS,
  PiiCategory.BIOMETRIC,
  PiiCategory.CNIC,
  PiiCategory.BANK_ACCOUNT,
  PiiCategory.PAYMENT_CARD,
  PiiCategory.MOBILE_WALLET,
  PiiCategory.IMSI,
  PiiCategory.ICCID,
  PiiCategory.CALL_RECORDS,
  PiiCategory.LOCATION,
  PiiCategory.DATE_OF_BIRTH,
  PiiCategory.POSTAL_ADDRESS,
  PiiCategory.IMEI,
  PiiCategory.NAME,
  PiiCategory.MSISDN,
  PiiCategory.EMAIL,
];

export const CATEGORY_WORDS: Vocabulary<Record<PiiCategory, CategoryWords>> = {
  en: {
    [PiiCategory.UNSPECIFIED]: {
      short: 'other data',
      full: 'other personal data',
      consequence: 'It could be used to make scams look genuine.',
    },
    [PiiCategory.NAME]: {
      short: 'name',
      full: 'your name',
      consequence: 'Scammers can address you by name to seem genuine.',
    },
    [PiiCategory.CNIC]: {
      short: 'CNIC',
      full: 'your CNIC number',
      consequence: 'Someone could try to open accounts, take loans or register SIMs in your name.',
    },
    [PiiCategory.MSISDN]: {
      short: 'mobile number',
      full: 'your mobile number',
      consequence: 'You may get scam calls and messages.',
    },
    [PiiCategory.EMAIL]: {
      short: 'email',
      full: 'your email address',
      consequence: 'You may get phishing emails that look like ours.',
    },
    [PiiCategory.POSTAL_ADDRESS]: {
      short: 'address',
      full: 'your postal address',
      consequence: 'Letters or visits could be used to deceive you.',
    },
    [PiiCategory.DATE_OF_BIRTH]: {
      short: 'date of birth',
      full: 'your date of birth',
      consequence: 'It is often asked to verify identity, so impersonation becomes easier.',
    },
    [PiiCategory.IMSI]: {
      short: 'SIM identity',
      full: 'your SIM identity (IMSI)',
      consequence: 'It could help someone clone or take over your SIM.',
    },
    [PiiCategory.ICCID]: {
      short: 'SIM number',
      full: 'your SIM card number (ICCID)',
      consequence: 'It could help someone request a replacement SIM in your name.',
    },
    [PiiCategory.IMEI]: {
      short: 'phone IMEI',
      full: "your phone's IMEI",
      consequence: 'Your handset could be tracked or its identity copied.',
    },
    [PiiCategory.BANK_ACCOUNT]: {
      short: 'bank account',
      full: 'your bank account details',
      consequence: 'Fraudsters may try to move money or pose as your bank.',
    },
    [PiiCategory.PAYMENT_CARD]: {
      short: 'payment card',
      full: 'your payment card details',
      consequence: 'Your card could be used for purchases you did not make.',
    },
    [PiiCategory.MOBILE_WALLET]: {
      short: 'mobile wallet',
      full: 'your mobile wallet details',
      consequence: 'Fraudsters may try to take money from your wallet.',
    },
    [PiiCategory.CALL_RECORDS]: {
      short: 'call records',
      full: 'records of your calls and messages',
      consequence: 'Who you talk to can be learned and used in targeted scams.',
    },
    [PiiCategory.LOCATION]: {
      short: 'location',
      full: 'your location history',
      consequence: 'Your movements and usual places could be known to others.',
    },
    [PiiCategory.CREDENTIALS]: {
      short: 'passwords/PINs',
      full: 'your account passwords or PINs',
      consequence: 'Your accounts could be taken over until the passwords are changed.',
    },
    [PiiCategory.BIOMETRIC]: {
      short: 'biometrics',
      full: 'your biometric (fingerprint) records',
      consequence: 'They cannot be changed; they could be misused to verify as you.',
    },
  },
  ur: {
    [PiiCategory.UNSPECIFIED]: {
      short: 'دیگر معلومات',
      full: 'دیگر ذاتی معلومات',
      consequence: 'ان سے دھوکا دہی کو اصلی دکھایا جا سکتا ہے۔',
    },
    [PiiCategory.NAME]: {
      short: 'نام',
      full: 'آپ کا نام',
      consequence: 'دھوکے باز آپ کو نام سے مخاطب کر کے اصلی لگ سکتے ہیں۔',
    },
    [PiiCategory.CNIC]: {
      short: 'شناختی کارڈ نمبر',
      full: 'آپ کا شناختی کارڈ نمبر',
      consequence: 'کوئی آپ کے نام پر اکاؤنٹ کھولنے، قرض لینے یا سم رجسٹر کرانے کی کوشش کر سکتا ہے۔',
    },
    [PiiCategory.MSISDN]: {
      short: 'موبائل نمبر',
      full: 'آپ کا موبائل نمبر',
      consequence: 'آپ کو فراڈ کالیں اور پیغامات آ سکتے ہیں۔',
    },
    [PiiCategory.EMAIL]: {
      short: 'ای میل',
      full: 'آپ کا ای میل پتہ',
      consequence: 'آپ کو ہماری طرح دکھنے والی جعلی ای میلز آ سکتی ہیں۔',
    },
    [PiiCategory.POSTAL_ADDRESS]: {
      short: 'پتہ',
      full: 'آپ کا ڈاک کا پتہ',
      consequence: 'خطوط یا ملاقات کے ذریعے آپ کو دھوکا دیا جا سکتا ہے۔',
    },
    [PiiCategory.DATE_OF_BIRTH]: {
      short: 'تاریخ پیدائش',
      full: 'آپ کی تاریخ پیدائش',
      consequence: 'شناخت کی تصدیق میں پوچھی جاتی ہے، اس لیے آپ کا روپ دھارنا آسان ہو جاتا ہے۔',
    },
    [PiiCategory.IMSI]: {
      short: 'سم شناخت',
      full: 'آپ کی سم کی شناخت (IMSI)',
      consequence: 'اس سے آپ کی سم کی نقل یا قبضے میں مدد مل سکتی ہے۔',
    },
    [PiiCategory.ICCID]: {
      short: 'سم کارڈ نمبر',
      full: 'آپ کا سم کارڈ نمبر (ICCID)',
      consequence: 'اس سے کوئی آپ کے نام پر نئی سم مانگ سکتا ہے۔',
    },
    [PiiCategory.IMEI]: {
      short: 'فون IMEI',
      full: 'آپ کے فون کا IMEI',
      consequence: 'آپ کے فون کا سراغ لگایا یا اس کی شناخت نقل کی جا سکتی ہے۔',
    },
    [PiiCategory.BANK_ACCOUNT]: {
      short: 'بینک اکاؤنٹ',
      full: 'آپ کے بینک اکاؤنٹ کی تفصیلات',
      consequence: 'فراڈ کرنے والے رقم نکالنے یا بینک بن کر بات کرنے کی کوشش کر سکتے ہیں۔',
    },
    [PiiCategory.PAYMENT_CARD]: {
      short: 'ادائیگی کارڈ',
      full: 'آپ کے ادائیگی کارڈ کی تفصیلات',
      consequence: 'آپ کا کارڈ ایسی خریداری میں استعمال ہو سکتا ہے جو آپ نے نہیں کی۔',
    },
    [PiiCategory.MOBILE_WALLET]: {
      short: 'موبائل والٹ',
      full: 'آپ کے موبائل والٹ کی تفصیلات',
      consequence: 'فراڈ کرنے والے آپ کے والٹ سے رقم نکالنے کی کوشش کر سکتے ہیں۔',
    },
    [PiiCategory.CALL_RECORDS]: {
      short: 'کال ریکارڈ',
      full: 'آپ کی کالوں اور پیغامات کا ریکارڈ',
      consequence: 'آپ کس سے بات کرتے ہیں، یہ جان کر خاص طور پر آپ کو نشانہ بنایا جا سکتا ہے۔',
    },
    [PiiCategory.LOCATION]: {
      short: 'مقام',
      full: 'آپ کے مقامات کی تاریخ',
      consequence: 'آپ کی نقل و حرکت اور عام جگہیں دوسروں کو معلوم ہو سکتی ہیں۔',
    },
    [PiiCategory.CREDENTIALS]: {
      short: 'پاس ورڈ/PIN',
      full: 'آپ کے اکاؤنٹ کے پاس ورڈ یا PIN',
      consequence: 'پاس ورڈ بدلنے تک آپ کے اکاؤنٹ پر قبضہ کیا جا سکتا ہے۔',
    },
    [PiiCategory.BIOMETRIC]: {
      short: 'بائیومیٹرک',
      full: 'آپ کے بائیومیٹرک (انگلیوں کے نشانات) ریکارڈ',
      consequence: 'انہیں بدلا نہیں جا سکتا؛ ان سے آپ کی جگہ تصدیق کی کوشش ہو سکتی ہے۔',
    },
  },
};

export const ACTION_WORDS: Vocabulary<Record<ProtectiveAction, string>> = {
  en: {
    [ProtectiveAction.UNSPECIFIED]: 'extra protection on your account',
    [ProtectiveAction.SIM_SWAP_LOCK]:
      'We blocked any SIM replacement on your number until you re-verify your fingerprints at one of our franchises.',
    [ProtectiveAction.PORT_OUT_LOCK]:
      'We blocked moving your number to another network until you re-verify at a franchise.',
    [ProtectiveAction.PIN_RESET]: 'We reset your account PIN; set a new one through the helpline or a franchise.',
    [ProtectiveAction.FRAUD_MONITORING]:
      'We enrolled you, free of charge, in fraud monitoring of your identity and accounts.',
  },
  ur: {
    [ProtectiveAction.UNSPECIFIED]: 'آپ کے اکاؤنٹ پر اضافی تحفظ',
    [ProtectiveAction.SIM_SWAP_LOCK]:
      'ہم نے آپ کے نمبر پر نئی سم جاری کرنا روک دیا ہے، جب تک آپ ہماری کسی فرنچائز پر انگلیوں کے نشانات سے دوبارہ تصدیق نہ کرائیں۔',
    [ProtectiveAction.PORT_OUT_LOCK]:
      'ہم نے آپ کا نمبر دوسرے نیٹ ورک پر منتقل کرنا روک دیا ہے، جب تک آپ فرنچائز پر دوبارہ تصدیق نہ کرائیں۔',
    [ProtectiveAction.PIN_RESET]: 'ہم نے آپ کا اکاؤنٹ PIN ری سیٹ کر دیا ہے؛ ہیلپ لائن یا فرنچائز سے نیا PIN بنائیں۔',
    [ProtectiveAction.FRAUD_MONITORING]:
      'ہم نے آپ کو مفت فراڈ نگرانی میں شامل کیا ہے جو آپ کی شناخت اور اکاؤنٹس پر نظر رکھے گی۔',
  },
};

export const ATTACK_WORDS: Vocabulary<Record<AttackVector, string>> = {
  en: {
    [AttackVector.UNSPECIFIED]: 'an attack on our systems',
    [AttackVector.PHISHING]: 'attackers tricked staff into revealing their logins (phishing)',
    [AttackVector.DDOS]: 'a flood of traffic was used to disrupt our services',
    [AttackVector.ZERO_DAY_EXPLOIT]: 'attackers used a previously unknown software flaw',
    [AttackVector.CREDENTIAL_STUFFING]: 'attackers tried stolen passwords against our systems',
    [AttackVector.INSIDER]: 'a person with inside access misused it',
    [AttackVector.MISCONFIGURATION]: 'a system was wrongly configured and left open',
    [AttackVector.MALWARE]: 'malicious software got into our systems',
    [AttackVector.OTHER]: 'an attack on our systems',
  },
  ur: {
    [AttackVector.UNSPECIFIED]: 'ہمارے نظام پر حملہ',
    [AttackVector.PHISHING]: 'حملہ آوروں نے دھوکے سے عملے کے لاگ اِن حاصل کیے (فشنگ)',
    [AttackVector.DDOS]: 'ہماری سروس میں خلل کے لیے بے تحاشا ٹریفک بھیجا گیا',
    [AttackVector.ZERO_DAY_EXPLOIT]: 'حملہ آوروں نے سافٹ ویئر کی ایک نامعلوم خامی استعمال کی',
    [AttackVector.CREDENTIAL_STUFFING]: 'حملہ آوروں نے چوری شدہ پاس ورڈز آزمائے',
    [AttackVector.INSIDER]: 'اندرونی رسائی رکھنے والے ایک شخص نے اس کا غلط استعمال کیا',
    [AttackVector.MISCONFIGURATION]: 'ایک نظام غلط ترتیب کی وجہ سے کھلا رہ گیا',
    [AttackVector.MALWARE]: 'نقصان دہ سافٹ ویئر ہمارے نظام میں داخل ہوا',
    [AttackVector.OTHER]: 'ہمارے نظام پر حملہ',
  },
};

/** The categories ordered most harmful first (duplicates and unknown values dropped). */
export function bySeverity(categories: PiiCategory[]): PiiCategory[] {
  const present = new Set(categories);
  return CATEGORY_SEVERITY_ORDER.filter((category) => present.has(category));
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: NOTICE_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** 04-03-2026, in Pakistan time; digits stay Western so numbers read the same in both languages. */
export function formatDate(date: Date | null): string | null {
  if (!date) return null;
  return dateFormat.format(date).replace(/\//g, '-');
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: NOTICE_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A time of day in Pakistan, `HH:MM` (24-hour, Western digits): when a one-time code stops working. */
export function formatTime(date: Date): string {
  return timeFormat.format(date);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export const TIER_WORDS: Vocabulary<Record<'critical' | 'high' | 'medium' | 'low', string>> = {
  en: { critical: 'urgent', high: 'important', medium: 'important', low: 'for your information' },
  ur: { critical: 'فوری', high: 'اہم', medium: 'اہم', low: 'آپ کی اطلاع کے لیے' },
};
