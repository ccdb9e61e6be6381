import { Inject, Injectable } from '@nestjs/common';
import type { CareConfig } from '../config';
import { CareErrorCode, CareException } from '../shared/care.exception';
import { CARE_CONFIG } from '../shared/tokens';

export interface DirectoryPerson {
  personId: string;
  emailMasked: string | null;
  language: string;
  numbers: { subscriberId: string; msisdnMasked: string }[];
}

export interface NoticeReference {
  noticeId: string;
  personId: string;
  incidentId: string;
  revision: number;
}

/**
 * The narrow internal APIs of the services that own what care needs and no event carries: the exposure
 * service's directory lookup (by blind index) and the notifier's reference codes; and fraud-guard's opt-out,
 * the one change care asks of an owner. The agent's own bearer
 * token is relayed, so the owning service checks and audits the same person. An outage is a 503, never
 * "unknown number".
 */
@Injectable()
export class OwningServicesClient {
  constructor(@Inject(CARE_CONFIG) private readonly config: CareConfig) {}

  async directory(kind: 'msisdn' | 'cnic' | 'email', blindIndex: string, authorization: string) {
    const body = await this.call<{ people: DirectoryPerson[] }>(
      `${this.config.EXPOSURE_URL}/directory/lookup`,
      { method: 'POST', body: JSON.stringify({ kind, blindIndex }) },
      authorization,
      'the directory (exposure)',
    );
    return body?.people ?? [];
  }

  async reference(code: string, authorization: string): Promise<NoticeReference | null> {
    return this.call<NoticeReference>(
      `${this.config.NOTIFIER_URL}/notices/by-reference/${encodeURIComponent(code)}`,
      { method: 'GET' },
      authorization,
      'the notifier',
    );
  }

  /** fraud-guard's opt-out of an enrollment, as the agent, with their reason (null: no such enrollment). */
  async optOut(enrollmentId: string, authorization: string, reason: string): Promise<Record<string, unknown> | null> {
    return this.call<Record<string, unknown>>(
      `${this.config.FRAUD_GUARD_URL}/enrollments/${encodeURIComponent(enrollmentId)}/opt-out`,
      { method: 'POST', headers: { 'x-access-reason': reason } },
      authorization,
      'fraud-guard',
    );
  }

  private async call<T>(url: string, init: RequestInit, authorization: string, who: string): Promise<T | null> {
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string> | undefined),
          authorization,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        signal: AbortSignal.timeout(this.config.CARE_UPSTREAM_TIMEOUT_MS),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CareException(CareErrorCode.UpstreamUnavailable, `${who} did not answer: ${reason}`);
    }
    if (response.status === 404) return null;
    if (!response.ok) {
      throw new CareException(CareErrorCode.UpstreamUnavailable, `${who} answered ${response.status}`);
    }
    return (await response.json()) as T;
  }
}
