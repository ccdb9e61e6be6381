import { LogChannel, PiiCategory, ProtectiveAction, RiskTier } from '@bnp/contracts';

/** The risk policy's rules in words (services/exposure/src/policy/risk-policy.v1.json), for agents and callers. */
const RULE_WORDS: Record<string, string> = {
  'credentials-or-biometrics':
    'Passwords or biometrics were taken: account takeover and SIM-swap fraud need nothing more.',
  'identity-with-financial':
    'The CNIC was taken with a bank account, card or wallet: direct financial fraud is possible.',
  'identity-sim-or-financial':
    'The CNIC, SIM identifiers or financial details were taken: identity theft, SIM cloning or payment fraud are possible.',
  'calls-or-location': 'Call records or location were taken: private life and whereabouts are revealed.',
  'contact-data-only': 'Contact details only: the risk is spam and phishing.',
};

export function ruleInWords(rule: string): string {
  return RULE_WORDS[rule] ?? (rule ? `Policy rule "${rule}"` : 'No rule recorded');
}

export function categoryName(category: number): string {
  return PiiCategory[category] ?? `CATEGORY_${category}`;
}

export function tierName(tier: number): string {
  return RiskTier[tier] ?? 'UNSPECIFIED';
}

export function actionName(action: number): string {
  return ProtectiveAction[action] ?? `ACTION_${action}`;
}

export function channelName(channel: number): 'sms' | 'email' | 'operator' | 'partner' | 'phone' | 'none' {
  switch (channel as LogChannel) {
    case LogChannel.SMS:
      return 'sms';
    case LogChannel.EMAIL:
      return 'email';
    case LogChannel.OPERATOR_SYSTEM:
      return 'operator';
    case LogChannel.MONITORING_PARTNER:
      return 'partner';
    case LogChannel.UNSPECIFIED:
      return 'none';
  }
  return 'none';
}

/** Twilio's error codes as a caller would understand them (https://www.twilio.com/docs/api/errors). */
const TWILIO_ERRORS: Record<string, string> = {
  '30003': 'the handset was switched off or out of coverage',
  '30004': 'the number blocks messages',
  '30005': 'the number does not exist or is no longer in service',
  '30006': 'the number is a landline or cannot receive SMS',
  '30007': 'the carrier filtered the message',
  '30008': 'the carrier reported an unknown error',
  '21610': 'the person had replied STOP to our number',
  '21211': 'the number is not a valid phone number',
};

export function deliveryErrorInWords(code: string): string | null {
  if (!code) return null;
  return TWILIO_ERRORS[code] ? `${TWILIO_ERRORS[code]} (error ${code})` : `provider error ${code}`;
}

/** `breach.sms.ur` -> `ur`: the notifier names templates kind.channel.language. */
export function templateLanguage(templateId: string): string | null {
  const language = templateId.split('.').at(-1);
  return language === 'ur' || language === 'en' ? language : null;
}
