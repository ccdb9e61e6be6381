export interface PortalReceipt {
  receiptId: string;
  reportId: string;
  receivedAt: string;
  payloadSha256: string;
}

/** Why a submission did not end in a receipt: retried (outage, timeout, refusal) until one comes back. */
export class PortalUnavailable extends Error {}

/** Posts a signed report (compact JWS) to the regulator's portal and reads its receipt. */
export class PortalClient {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async submit(jws: string): Promise<PortalReceipt> {
    let response: Response;
    try {
      response = await fetch(new URL('/api/reports', this.url), {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new PortalUnavailable(`portal unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as Partial<PortalReceipt> & { error?: string };
    if (!response.ok) throw new PortalUnavailable(`portal answered ${response.status}: ${body.error ?? 'no detail'}`);
    if (typeof body.receiptId !== 'string' || typeof body.receivedAt !== 'string')
      throw new PortalUnavailable('portal answered without a receipt');
    return body as PortalReceipt;
  }
}
