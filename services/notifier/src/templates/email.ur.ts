import { ProtectiveAction } from '@bnp/contracts';
import { renderEmail, type EmailDocument, type EmailSection } from './email-layout';
import type { EmailTemplate, NoticeContext, TierName } from './template';
import { ACTION_WORDS, ATTACK_WORDS, bySeverity, CATEGORY_WORDS, formatDate, TIER_WORDS } from './vocabulary';

// The full notice in Urdu (see email.en.ts for what it must contain). Rendered right to left in a
// Nastaliq face; numbers, codes and the helpline keep Western digits.
const VERSION = '2026-12-07.1';

const WHAT_TO_DO: Record<TierName, string[]> = {
  critical: [
    'کسی کو بھی اپنا PIN، OTP یا پاس ورڈ نہ بتائیں، چاہے وہ خود کو ہمارا یا آپ کے بینک کا نمائندہ بتائے۔',
    'اپنے بینک اور موبائل والٹ کو اپنے اکاؤنٹس پر نظر رکھنے کا کہیں اور ہر نامعلوم ادائیگی کی اطلاع دیں۔',
    'ہمارے ساتھ استعمال ہونے والے پاس ورڈ، اور جہاں بھی وہی پاس ورڈ استعمال کیا ہو، بدل دیں۔',
    'اگر آپ کے فون کے سگنل اچانک ختم ہو جائیں تو فوراً کسی دوسرے فون سے ہیلپ لائن پر کال کریں: یہ سم بدلنے کی کوشش ہو سکتی ہے۔',
  ],
  high: [
    'کسی کو بھی اپنا PIN، OTP یا پاس ورڈ نہ بتائیں، چاہے وہ خود کو ہمارا یا آپ کے بینک کا نمائندہ بتائے۔',
    'اپنے بینک اور والٹ کی تفصیلات دیکھیں اور ہر نامعلوم ادائیگی کی اطلاع دیں۔',
    'اگر آپ کے فون کے سگنل اچانک ختم ہو جائیں تو کسی دوسرے فون سے ہیلپ لائن پر کال کریں۔',
  ],
  medium: [
    'ایسی کالوں یا پیغامات سے محتاط رہیں جن میں لوگ جانتے ہوں کہ آپ کس سے بات کرتے ہیں یا کہاں جاتے ہیں۔',
    'کسی کو PIN یا OTP نہ بتائیں۔',
    'مشکوک رابطے کی اطلاع ہیلپ لائن کو دیں۔',
  ],
  low: [
    'ایسی کالوں، پیغامات اور ای میلز سے ہوشیار رہیں جو آپ کا نام یا نمبر لے کر معلومات یا رقم مانگیں۔',
    'غیر متوقع پیغامات میں موجود لنک نہ کھولیں۔',
    'کسی کو PIN یا OTP نہ بتائیں۔',
  ],
};

function whatHappened(context: NoticeContext): EmailSection {
  const found = formatDate(context.detectedAt);
  const until = formatDate(context.occurredTo);
  const how = [...new Set(context.attackVectors.map((vector) => ATTACK_WORDS.ur[vector]))];
  const paragraphs = [
    `${found ? `${found} کو ` : ''}ہمیں معلوم ہوا کہ حملہ آور ہمارے نظام میں صارفین کے ریکارڈ تک پہنچ گئے تھے${how.length > 0 ? `: ${how.join('؛ ')}` : ''}۔` +
      (until ? ` ان کی رسائی ${until} تک رہی۔` : ''),
  ];
  if (context.change === 'widened')
    paragraphs.push('ہماری تحقیقات سے معلوم ہوا ہے کہ آپ کا اس سے زیادہ ڈیٹا چوری ہوا جتنا ہم نے پہلے بتایا تھا۔');
  return { title: 'کیا ہوا', paragraphs };
}

function yourData(context: NoticeContext): EmailSection {
  const fresh = new Set(context.newCategories);
  const items = bySeverity(context.categories).map(
    (category) =>
      `${CATEGORY_WORDS.ur[category].full}${context.change === 'widened' && fresh.has(category) ? ' (نئی معلومات)' : ''}`,
  );
  const paragraphs = ['آپ کی یہ معلومات چوری ہوئیں:'];
  if (context.maskedNumbers.length > 0)
    paragraphs.push(`متاثرہ نمبر: ${context.maskedNumbers.map((number) => `\u2066${number}\u2069`).join('، ')}۔`);
  return { title: 'آپ کا کون سا ڈیٹا چوری ہوا', paragraphs, items };
}

function consequences(context: NoticeContext): EmailSection {
  return {
    title: 'اس کا آپ پر کیا اثر ہو سکتا ہے',
    paragraphs: [],
    items: bySeverity(context.categories).map((category) => CATEGORY_WORDS.ur[category].consequence),
  };
}

/** Says the breach was reported only once the regulator's receipt exists; otherwise when the report is due. */
function regulatorSentence(context: NoticeContext): string {
  const report = context.regulatorReport;
  if (!report) return 'ہم نے حملہ آوروں کی رسائی بند کر دی ہے اور متعلقہ اداروں کے ساتھ تحقیقات کر رہے ہیں۔';
  if (report.filedAt) {
    const filed = formatDate(report.filedAt);
    return `ہم نے حملہ آوروں کی رسائی بند کر دی ہے، ${filed ? `${filed} کو ` : ''}${report.regulatorNameUr} کو اطلاع دے دی ہے اور متعلقہ اداروں کے ساتھ تحقیقات کر رہے ہیں۔`;
  }
  const due = formatDate(report.dueAt);
  return (
    'ہم نے حملہ آوروں کی رسائی بند کر دی ہے اور متعلقہ اداروں کے ساتھ تحقیقات کر رہے ہیں۔ ' +
    `${report.regulatorNameUr} کو بھیجی جانے والی رپورٹ تیار کی جا رہی ہے${due ? ` اور ${due} تک جمع کرائی جانی ہے` : ' اور بلا تاخیر جمع کرائی جائے گی'}۔`
  );
}

function whatWeDo(context: NoticeContext): EmailSection {
  const paragraphs = [regulatorSentence(context)];
  const items = context.actions
    .filter((action) => action !== ProtectiveAction.UNSPECIFIED)
    .map((action) => ACTION_WORDS.ur[action]);
  if (context.actions.includes(ProtectiveAction.FRAUD_MONITORING)) {
    if (context.activationCode) {
      const by = formatDate(context.enrollBy);
      paragraphs.push(
        `آپ کی فراڈ نگرانی کا ایکٹیویشن کوڈ ${context.activationCode} ہے۔` +
          (context.monitoringMonths ? ` نگرانی ${context.monitoringMonths} ماہ جاری رہے گی۔` : '') +
          (by ? ` اسے ${by} تک ہیلپ لائن کے ذریعے فعال کریں۔` : ' اسے ہیلپ لائن کے ذریعے فعال کریں۔'),
      );
    } else {
      paragraphs.push('آپ کے تحفظ کی تفصیل، ایکٹیویشن کوڈ کے ساتھ، الگ پیغام میں بھیجی جائے گی۔');
    }
  }
  return { title: 'ہم کیا کر رہے ہیں', paragraphs, items };
}

function contact(context: NoticeContext): EmailSection {
  return {
    title: 'ہم سے رابطہ',
    paragraphs: [
      `ہیلپ لائن: ${context.helpline} (مفت)۔ سرکاری صفحہ: ${context.officialSite}۔ آپ کا حوالہ کوڈ: ${context.referenceCode}۔`,
      'ہمارا عملہ حوالہ کوڈ سے اس اطلاع کی تصدیق کر سکتا ہے۔ ہم کبھی آپ کا PIN، OTP یا پاس ورڈ نہیں مانگیں گے، اور اس واقعے کے بارے میں ہمارے ایس ایم ایس میں کوئی لنک نہیں ہوتا۔',
    ],
  };
}

function noticeTemplate(tier: TierName): EmailTemplate {
  return {
    id: `notice.email.ur.${tier}`,
    version: VERSION,
    purpose: 'notice',
    channel: 'email',
    language: 'ur',
    tier,
    render(context) {
      const update = context.change === 'widened';
      const document: EmailDocument = {
        subject: `${update ? 'تازہ اطلاع: ' : ''}${tier === 'critical' ? 'فوری: ' : ''}${context.operatorNameUr} کے ڈیٹا چوری کے واقعے میں آپ کی ذاتی معلومات متاثر ہوئیں`,
        heading: `${context.operatorNameUr}: آپ کی ذاتی معلومات کے بارے میں ${TIER_WORDS.ur[tier]} اطلاع`,
        sections: [
          whatHappened(context),
          yourData(context),
          consequences(context),
          whatWeDo(context),
          { title: 'آپ ابھی کیا کریں', paragraphs: [], items: WHAT_TO_DO[tier] },
          contact(context),
        ],
        closing: `حوالہ: ${context.referenceCode}`,
      };
      return renderEmail(document, 'ur');
    },
  };
}

export const noticeEmailUr: Record<TierName, EmailTemplate> = {
  critical: noticeTemplate('critical'),
  high: noticeTemplate('high'),
  medium: noticeTemplate('medium'),
  low: noticeTemplate('low'),
};

export const correctionEmailUr: EmailTemplate = {
  id: 'correction.email.ur',
  version: VERSION,
  purpose: 'correction',
  channel: 'email',
  language: 'ur',
  tier: null,
  render: (context) =>
    renderEmail(
      {
        subject: `درستی: ${context.operatorNameUr} کے ڈیٹا چوری کے واقعے سے آپ کا ڈیٹا متاثر نہیں ہوا`,
        heading: `${context.operatorNameUr}: ہماری پچھلی اطلاع کی درستی`,
        sections: [
          {
            title: 'کیا بدلا',
            paragraphs: [
              'ہم نے پہلے آپ کو لکھا تھا کہ ڈیٹا چوری کے ایک واقعے میں آپ کی ذاتی معلومات متاثر ہوئیں۔ تحقیقات سے معلوم ہوا ہے کہ آپ کا ڈیٹا متاثر نہیں ہوا۔ اس پریشانی پر ہم معذرت خواہ ہیں۔',
              'آپ کو کچھ کرنے کی ضرورت نہیں۔ آپ کے اکاؤنٹ پر لگایا گیا تحفظ برقرار رہے گا جب تک آپ اسے ہٹانے کا نہ کہیں۔',
            ],
          },
          contact(context),
        ],
        closing: `حوالہ: ${context.referenceCode}`,
      },
      'ur',
    ),
};

export const protectionEmailUr: EmailTemplate = {
  id: 'protection.email.ur',
  version: VERSION,
  purpose: 'protection',
  channel: 'email',
  language: 'ur',
  tier: null,
  render: (context) =>
    renderEmail(
      {
        subject: `${context.operatorNameUr} کی مفت فراڈ نگرانی تیار ہے`,
        heading: `${context.operatorNameUr}: آپ کے تحفظ کی وعدہ شدہ تفصیل`,
        sections: [whatWeDo(context), contact(context)],
        closing: `حوالہ: ${context.referenceCode}`,
      },
      'ur',
    ),
};
