import { ProtectiveAction } from '@bnp/contracts';
import { renderEmail, type EmailDocument, type EmailSection } from './email-layout';
import type { EmailTemplate, NoticeContext, TierName } from './template';
import { ACTION_WORDS, ATTACK_WORDS, bySeverity, CATEGORY_WORDS, formatDate, TIER_WORDS } from './vocabulary';

// The full notice: what GDPR Art. 34, Pakistan's draft data protection law, HIPAA and Australia's
// scheme ask a breach notice to say, for this person: what happened and when, their own data, the
// likely consequences, what the operator did (their protection), what to do, and how to reach us.
const VERSION = '2026-12-07.1';

const WHAT_TO_DO: Record<TierName, string[]> = {
  critical: [
    'Do not share any PIN, OTP or password with anyone, even a caller who says they are from us or your bank.',
    'Ask your bank and mobile wallet provider to watch your accounts, and report any payment you did not make.',
    'Change passwords you used with us, and anywhere you used the same password.',
    'If your phone suddenly loses signal, call the helpline at once from another phone: it may be a SIM-swap attempt.',
  ],
  high: [
    'Do not share any PIN, OTP or password with anyone, even a caller who says they are from us or your bank.',
    'Check your bank and wallet statements and report any payment you did not make.',
    'If your phone suddenly loses signal, call the helpline from another phone.',
  ],
  medium: [
    'Be careful with calls or messages from people who seem to know who you talk to or where you go.',
    'Do not share any PIN or OTP.',
    'Report suspicious contact to the helpline.',
  ],
  low: [
    'Be wary of calls, texts and emails that use your name or number to ask for information or money.',
    'Do not open links in unexpected messages.',
    'Do not share any PIN or OTP.',
  ],
};

function whatHappened(context: NoticeContext): EmailSection {
  const found = formatDate(context.detectedAt);
  const until = formatDate(context.occurredTo);
  const how = [...new Set(context.attackVectors.map((vector) => ATTACK_WORDS.en[vector]))];
  const paragraphs = [
    `${found ? `On ${found} we` : 'We'} found that attackers had reached customer records in our systems${how.length > 0 ? `: ${how.join('; ')}` : ''}.` +
      (until ? ` Their access lasted until ${until}.` : ''),
  ];
  if (context.change === 'widened')
    paragraphs.push('Our investigation has since found that more of your data was taken than we told you before.');
  return { title: 'What happened', paragraphs };
}

function yourData(context: NoticeContext): EmailSection {
  const fresh = new Set(context.newCategories);
  const items = bySeverity(context.categories).map(
    (category) =>
      `${CATEGORY_WORDS.en[category].full}${context.change === 'widened' && fresh.has(category) ? ' (newly found)' : ''}`,
  );
  const paragraphs = ['These are the details of yours that were taken:'];
  if (context.maskedNumbers.length > 0) paragraphs.push(`Your numbers concerned: ${context.maskedNumbers.join(', ')}.`);
  return { title: 'Your data that was taken', paragraphs, items };
}

function consequences(context: NoticeContext): EmailSection {
  return {
    title: 'What this could mean for you',
    paragraphs: [],
    items: bySeverity(context.categories).map((category) => CATEGORY_WORDS.en[category].consequence),
  };
}

/** Says the breach was reported only once the regulator's receipt exists; otherwise when the report is due. */
function regulatorSentence(context: NoticeContext): string {
  const report = context.regulatorReport;
  if (!report) return 'We closed the access the attackers used and are investigating with the authorities.';
  const filed = formatDate(report.filedAt);
  if (report.filedAt)
    return `We closed the access the attackers used, reported the breach to the ${report.regulatorName}${filed ? ` on ${filed}` : ''}, and are investigating with the authorities.`;
  const due = formatDate(report.dueAt);
  return (
    'We closed the access the attackers used and are investigating with the authorities. ' +
    `Our report to the ${report.regulatorName} is being prepared${due ? ` and is due by ${due}` : ' and will be filed without undue delay'}.`
  );
}

function whatWeDo(context: NoticeContext): EmailSection {
  const paragraphs = [regulatorSentence(context)];
  const items = context.actions
    .filter((action) => action !== ProtectiveAction.UNSPECIFIED)
    .map((action) => ACTION_WORDS.en[action]);
  if (context.actions.includes(ProtectiveAction.FRAUD_MONITORING)) {
    if (context.activationCode) {
      const by = formatDate(context.enrollBy);
      paragraphs.push(
        `Your fraud monitoring activation code is ${context.activationCode}.` +
          (context.monitoringMonths ? ` Monitoring lasts ${context.monitoringMonths} months.` : '') +
          (by ? ` Activate it by ${by} through the helpline.` : ' Activate it through the helpline.'),
      );
    } else {
      paragraphs.push('The details of your protection, with your activation code, will follow in a separate message.');
    }
  }
  return { title: 'What we are doing', paragraphs, items };
}

function contact(context: NoticeContext): EmailSection {
  return {
    title: 'How to reach us',
    paragraphs: [
      `Helpline: ${context.helpline} (free). Official page: ${context.officialSite}. Your reference code: ${context.referenceCode}.`,
      'Our staff can confirm this notice from its reference code. We will never ask for your PIN, OTP or password, and our text messages about this breach contain no links.',
    ],
  };
}

function noticeTemplate(tier: TierName): EmailTemplate {
  return {
    id: `notice.email.en.${tier}`,
    version: VERSION,
    purpose: 'notice',
    channel: 'email',
    language: 'en',
    tier,
    render(context) {
      const update = context.change === 'widened';
      const document: EmailDocument = {
        subject: `${update ? 'Update: ' : ''}${tier === 'critical' ? 'Urgent: ' : ''}your personal data was affected by a ${context.operatorName} data breach`,
        heading: `${context.operatorName}: ${TIER_WORDS.en[tier]} notice about your personal data`,
        sections: [
          whatHappened(context),
          yourData(context),
          consequences(context),
          whatWeDo(context),
          { title: 'What you should do now', paragraphs: [], items: WHAT_TO_DO[tier] },
          contact(context),
        ],
        closing: `Reference: ${context.referenceCode}`,
      };
      return renderEmail(document, 'en');
    },
  };
}

export const noticeEmailEn: Record<TierName, EmailTemplate> = {
  critical: noticeTemplate('critical'),
  high: noticeTemplate('high'),
  medium: noticeTemplate('medium'),
  low: noticeTemplate('low'),
};

export const correctionEmailEn: EmailTemplate = {
  id: 'correction.email.en',
  version: VERSION,
  purpose: 'correction',
  channel: 'email',
  language: 'en',
  tier: null,
  render: (context) =>
    renderEmail(
      {
        subject: `Correction: the ${context.operatorName} data breach did not affect your data`,
        heading: `${context.operatorName}: correction to our earlier notice`,
        sections: [
          {
            title: 'What changed',
            paragraphs: [
              'We wrote to you earlier that your personal data was affected by a data breach. Our investigation has since shown that your data was not affected. We are sorry for the worry this caused.',
              'You do not need to do anything. Any protection we put on your account stays in place unless you ask us to remove it.',
            ],
          },
          contact(context),
        ],
        closing: `Reference: ${context.referenceCode}`,
      },
      'en',
    ),
};

export const protectionEmailEn: EmailTemplate = {
  id: 'protection.email.en',
  version: VERSION,
  purpose: 'protection',
  channel: 'email',
  language: 'en',
  tier: null,
  render: (context) =>
    renderEmail(
      {
        subject: `Your free ${context.operatorName} fraud monitoring is ready`,
        heading: `${context.operatorName}: the protection details we promised`,
        sections: [whatWeDo(context), contact(context)],
        closing: `Reference: ${context.referenceCode}`,
      },
      'en',
    ),
};
