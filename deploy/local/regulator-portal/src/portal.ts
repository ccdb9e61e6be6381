import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { compactVerify, type KeyLike } from 'jose';

/** What a regulator's portal hands back: proof that it received this exact report. */
export interface Receipt {
  receiptId: string;
  reportId: string;
  receivedAt: string;
  /** SHA-256 of the JWS payload as received. */
  payloadSha256: string;
}

export class PortalRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}

interface Filed {
  receipt: Receipt;
  payload: unknown;
}

/**
 * A stand-in for a regulator's breach-report portal (PTA, a DPA, CERT-In, the FCC's reporting facility):
 * it accepts a report only as a JWS signed with the operator's registered key, answers with a receipt,
 * and answers a re-submission of the same report with the same receipt. `failNext` makes it answer 503
 * (an outage) so the operator's retries can be seen.
 */
export class RegulatorPortal {
  private readonly filed = new Map<string, Filed>();
  private failures = 0;

  constructor(
    private readonly operatorKey: KeyLike | KeyObject,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  failNext(count: number): void {
    this.failures = count;
  }

  async submit(jws: string): Promise<{ receipt: Receipt; created: boolean }> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new PortalRefusal(503, 'portal unavailable, try again later');
    }
    let payloadBytes: Uint8Array;
    try {
      ({ payload: payloadBytes } = await compactVerify(jws.trim(), this.operatorKey));
    } catch {
      throw new PortalRefusal(401, 'the signature does not verify with the operator’s registered key');
    }
    let payload: { reportId?: unknown };
    try {
      payload = JSON.parse(Buffer.from(payloadBytes).toString('utf8')) as { reportId?: unknown };
    } catch {
      throw new PortalRefusal(400, 'the payload is not JSON');
    }
    if (typeof payload.reportId !== 'string' || payload.reportId.length === 0)
      throw new PortalRefusal(400, 'reportId is required');
    const digest = createHash('sha256').update(payloadBytes).digest('hex');
    const earlier = this.filed.get(payload.reportId);
    if (earlier) {
      if (earlier.receipt.payloadSha256 !== digest)
        throw new PortalRefusal(409, `report ${payload.reportId} was already filed with different contents`);
      return { receipt: earlier.receipt, created: false };
    }
    const receipt: Receipt = {
      receiptId: `RCPT-${createHash('sha256').update(payload.reportId).digest('hex').slice(0, 16).toUpperCase()}`,
      reportId: payload.reportId,
      receivedAt: this.clock().toISOString(),
      payloadSha256: digest,
    };
    this.filed.set(payload.reportId, { receipt, payload });
    return { receipt, created: true };
  }

  find(reportId: string): Filed | null {
    return this.filed.get(reportId) ?? null;
  }

  count(): number {
    return this.filed.size;
  }
}
