import type { AttackVector, PiiCategory, ProtectiveAction } from '@bnp/contracts';

export type Language = 'ur' | 'en';
export type TierName = 'critical' | 'high' | 'medium' | 'low';
/** What the message is: the notice itself, a correction (retraction), or the protection details that were owed. */
export type Purpose = 'notice' | 'correction' | 'protection';
export type NoticeChange = 'new' | 'widened' | 'retracted';
/**
 * Who asked for a one-time code SMS: fraud-guard, for a person activating fraud-watch, or care-api, for a
 * helpline agent verifying a caller (who reads the care code back). Same delivery, different words.
 */
export type ChallengePurpose = 'fraud-activation' | 'care-verification';

/** Everything a template may say. Plain contact data never appears here: numbers are masked. */
export interface NoticeContext {
  tier: TierName;
  change: NoticeChange;
  operatorName: string;
  /** The operator's name in Urdu script, for Urdu templates. */
  operatorNameUr: string;
  helpline: string;
  officialSite: string;
  referenceCode: string;
  detectedAt: Date | null;
  occurredTo: Date | null;
  attackVectors: AttackVector[];
  /** Every category of this person's data that was taken, as of this revision. */
  categories: PiiCategory[];
  /** What this revision adds to what they were told before. */
  newCategories: PiiCategory[];
  /** This person's affected numbers, masked (+92 3** *** **67). */
  maskedNumbers: string[];
  actions: ProtectiveAction[];
  activationCode: string | null;
  enrollBy: Date | null;
  monitoringMonths: number | null;
  /** Protection was due but its details had not arrived in time: the notice says they follow. */
  protectionPending: boolean;
  /** The report to the jurisdiction's regulator: filed (a portal receipt exists) or being prepared. Null without rules. */
  regulatorReport: RegulatorReportStatus | null;
}

/** What a notice may say about the report to the regulator: only a receipt makes it "reported". */
export interface RegulatorReportStatus {
  regulatorName: string;
  regulatorNameUr: string;
  /** When the regulator's portal received it (its receipt); null while the report is being prepared. */
  filedAt: Date | null;
  /** When the report is due; null for "without undue delay". */
  dueAt: Date | null;
}

/**
 * What a one-time code SMS (fraud-watch activation, care code) may say. Not a breach notice: no
 * categories, no tier. The reference code is printed so the reconciler can find the message in the
 * provider's list.
 */
export interface ActivationContext {
  operatorName: string;
  operatorNameUr: string;
  oneTimeCode: string;
  expiresAt: Date;
  referenceCode: string;
}

export interface SmsContent {
  body: string;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

interface TemplateBase {
  /** Stable id, recorded in the notification log with the version. */
  id: string;
  /** Bumped on every change of wording: the log says exactly which text a person got. */
  version: string;
  purpose: Purpose;
  language: Language;
  /** Null for purposes that do not vary by tier. */
  tier: TierName | null;
}

export interface SmsTemplate extends TemplateBase {
  channel: 'sms';
  /** Most segments any rendering may take (checked by the template spec with worst-case input). */
  maxSegments: number;
  render(context: NoticeContext): SmsContent;
}

/** A one-time code SMS: transactional, per purpose and language only, never by email. */
export interface ActivationSmsTemplate {
  id: string;
  version: string;
  /** activation: the fraud-watch activation code; care-code: the code a caller reads back to the helpline. */
  purpose: 'activation' | 'care-code';
  channel: 'sms';
  language: Language;
  tier: null;
  maxSegments: number;
  render(context: ActivationContext): SmsContent;
}

export interface EmailTemplate extends TemplateBase {
  channel: 'email';
  render(context: NoticeContext): EmailContent;
}

export type NoticeTemplate = SmsTemplate | EmailTemplate;
