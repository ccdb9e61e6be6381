import { RiskTier } from '@bnp/contracts';
import type { NotifierConfig } from '../config';
import { ContactSealer, SealedAad } from '../shared/contact-sealer';
import { contentHmacOf } from '../shared/ids';
import { emailTemplate, smsTemplate } from '../templates/registry';
import { countSegments } from '../templates/segments';
import type { EmailContent, NoticeContext, Purpose, TierName } from '../templates/template';
import type { ClaimedDelivery } from './delivery.repository';

export type RenderedMessage =
  | { channel: 'sms'; body: string; segments: number; templateId: string; templateVersion: string; contentHmac: string }
  | { channel: 'email'; content: EmailContent; templateId: string; templateVersion: string; contentHmac: string };

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

  render(row: ClaimedDelivery): RenderedMessage {
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

  private context(row: ClaimedDelivery, tier: TierName): NoticeContext {
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
    };
  }
}
