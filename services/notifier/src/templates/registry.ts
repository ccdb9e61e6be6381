import { correctionEmailEn, noticeEmailEn, protectionEmailEn } from './email.en';
import { correctionEmailUr, noticeEmailUr, protectionEmailUr } from './email.ur';
import { activationSmsEn, careCodeSmsEn, correctionSmsEn, noticeSmsEn, protectionSmsEn } from './sms.en';
import { activationSmsUr, careCodeSmsUr, correctionSmsUr, noticeSmsUr, protectionSmsUr } from './sms.ur';
import type {
  ActivationSmsTemplate,
  ChallengePurpose,
  EmailTemplate,
  Language,
  NoticeTemplate,
  Purpose,
  SmsTemplate,
  TierName,
} from './template';

const SMS: Record<
  Language,
  { notice: Record<TierName, SmsTemplate>; correction: SmsTemplate; protection: SmsTemplate }
> = {
  en: { notice: noticeSmsEn, correction: correctionSmsEn, protection: protectionSmsEn },
  ur: { notice: noticeSmsUr, correction: correctionSmsUr, protection: protectionSmsUr },
};

const EMAIL: Record<
  Language,
  { notice: Record<TierName, EmailTemplate>; correction: EmailTemplate; protection: EmailTemplate }
> = {
  en: { notice: noticeEmailEn, correction: correctionEmailEn, protection: protectionEmailEn },
  ur: { notice: noticeEmailUr, correction: correctionEmailUr, protection: protectionEmailUr },
};

export function smsTemplate(purpose: Purpose, tier: TierName, language: Language): SmsTemplate {
  const set = SMS[language];
  return purpose === 'notice' ? set.notice[tier] : set[purpose];
}

export function emailTemplate(purpose: Purpose, tier: TierName, language: Language): EmailTemplate {
  const set = EMAIL[language];
  return purpose === 'notice' ? set.notice[tier] : set[purpose];
}

/** Every template, for the spec that renders each one against its limits. */
export function allTemplates(): NoticeTemplate[] {
  return (['en', 'ur'] as const).flatMap((language) => [
    ...Object.values(SMS[language].notice),
    SMS[language].correction,
    SMS[language].protection,
    ...Object.values(EMAIL[language].notice),
    EMAIL[language].correction,
    EMAIL[language].protection,
  ]);
}

const ONE_TIME_CODE_SMS: Record<ChallengePurpose, Record<Language, ActivationSmsTemplate>> = {
  'fraud-activation': { en: activationSmsEn, ur: activationSmsUr },
  'care-verification': { en: careCodeSmsEn, ur: careCodeSmsUr },
};

/** The one-time code SMS for what the code is for, in the person's language. */
export function activationSmsTemplate(purpose: ChallengePurpose, language: Language): ActivationSmsTemplate {
  return ONE_TIME_CODE_SMS[purpose][language];
}

/** Every one-time code template (fraud-watch activation and care codes), for the template spec. */
export function activationTemplates(): ActivationSmsTemplate[] {
  return Object.values(ONE_TIME_CODE_SMS).flatMap((byLanguage) => Object.values(byLanguage));
}
