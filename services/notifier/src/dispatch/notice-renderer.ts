import { RiskTier } from '@bnp/contracts';
import { regulatorReportStatus } from '../regulator-receipts/regulator-report-status';
import type { NotifierConfig } from '../config';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import { contentHmacOf } from '../shared/ids';
import { activationSmsTemplate, emailTemplate, smsTemplate } from '../templates/registry';
import { countSegments } from '../templates/segments';
import type { EmailContent, NoticeContext, Purpose, TierName } from '../templates/template';
import type { LockedDelivery } from './delivery.types';

export type RenderedMessage =
  | { channel: 'sms'; body: string; segments: number; templateId: string; templateVersion: string; contentHmac: string }
  | { channel: 'email'; content: EmailContent; templateId: string; templateVersion: string; contentHmac: string };

/** A delivery that must not go at all (not a rendering bug): its code names why, for the row and the log. */
export class UnsendableMessage extends Error {
  constructor(
    readonly code: 'EXPIRED' | 'CODE_UNAVAILABLE' | 'NO_TEMPLATE',
    message: string,
  ) {
    super(message);
    this.name = 'UnsendableMessage';
  }
}

function tierName(tier: RiskTier): TierName {
  switch (tier) {
    case RiskTier.CRITICAL:
      return 'critical';
    case RiskTier.HIGH:
      return 'high';
    case RiskTier.MEDIUM:
      return 'medium';
    case RiskTier.LOW:
    case RiskTier.UNSPECIFIED:
      return 'low';
  }
}

/** Turns a claimed delivery into the exact text it will carry, and the HMAC the log keeps of it. */
export class NoticeRenderer {
  private readonly sealer: ContactSealer;

  constructor(private readonly config: NotifierConfig) {
    this.sealer = new ContactSealer(config.cipher);
  }

  render(row: LockedDelivery, now = new Date()): RenderedMessage {
    if (row.kind === 'activation') return this.renderActivation(row, now);
    const purpose: Purpose =
      row.kind === 'protection' ? 'protection' : row.change === 'retracted' ? 'correction' : 'notice';
    const tier = tierName(row.tier);
    const context = this.context(row, tier);
    if (row.channel === 'sms') {
      const template = smsTemplate(purpose, tier, row.language);
      const { body } = template.render(context);
      return {
        channel: 'sms',
        body,
        segments: countSegments(body).segments,
        templateId: template.id,
        templateVersion: template.version,
        contentHmac: contentHmacOf(this.config.logHmacKey, body),
      };
    }
    const template = emailTemplate(purpose, tier, row.language);
    const content = template.render(context);
    return {
      channel: 'email',
      content,
      templateId: template.id,
      templateVersion: template.version,
      contentHmac: contentHmacOf(this.config.logHmacKey, `${content.subject}\n${content.text}\n${content.html}`),
    };
  }

  /**
   * A one-time code SMS, in the template of what the code is for (fraud-watch activation or care code):
   * only while the code still works, and only by SMS.
   */
  private renderActivation(row: LockedDelivery, now: Date): RenderedMessage {
    if (row.channel !== 'sms') throw new UnsendableMessage('NO_TEMPLATE', 'one-time codes go by SMS only');
    if (!row.challenge_id || !row.challenge_purpose || !row.otp_ciphertext || !row.otp_expires_at)
      throw new UnsendableMessage('CODE_UNAVAILABLE', 'the one-time code is no longer held');
    if (row.otp_expires_at <= now)
      throw new UnsendableMessage('EXPIRED', 'the one-time code expired before it was sent');
    const template = activationSmsTemplate(row.challenge_purpose, row.language);
    const { body } = template.render({
      operatorName: this.config.NOTIFIER_OPERATOR_NAME,
      operatorNameUr: this.config.NOTIFIER_OPERATOR_NAME_UR,
      oneTimeCode: this.sealer.open(row.otp_ciphertext, SealedAad.oneTimeCode(row.challenge_id)),
      expiresAt: row.otp_expires_at,
      referenceCode: row.reference_code,
    });
    return {
      channel: 'sms',
      body,
      segments: countSegments(body).segments,
      templateId: template.id,
      templateVersion: template.version,
      contentHmac: contentHmacOf(this.config.logHmacKey, body),
    };
  }

  private context(row: LockedDelivery, tier: TierName): NoticeContext {
    const activationCode =
      row.enrollment_id && row.activation_code_ciphertext
        ? this.sealer.open(row.activation_code_ciphertext, SealedAad.activationCode(row.enrollment_id))
        : null;
    return {
      tier,
      change: row.change,
      operatorName: this.config.NOTIFIER_OPERATOR_NAME,
      operatorNameUr: this.config.NOTIFIER_OPERATOR_NAME_UR,
      helpline: this.config.NOTIFIER_HELPLINE,
      officialSite: this.config.NOTIFIER_OFFICIAL_SITE,
      referenceCode: row.reference_code,
      detectedAt: row.detected_at,
      occurredTo: row.occurred_to,
      attackVectors: row.attack_vectors,
      categories: row.categories,
      newCategories: row.new_categories,
      maskedNumbers: row.msisdns_masked,
      actions: row.actions,
      activationCode,
      enrollBy: row.enroll_by,
      monitoringMonths: row.monitoring_months,
      protectionPending: row.enrollment_timed_out && !activationCode,
      regulatorReport: regulatorReportStatus(
        row.jurisdiction,
        row.detected_at,
        row.regulator_receipts.map((receipt) => ({
          regulatorId: receipt.regulator_id,
          filedAt: new Date(receipt.filed_at),
        })),
      ),
    };
  }
}
