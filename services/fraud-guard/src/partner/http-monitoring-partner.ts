import {
  PartnerCallError,
  type MonitoringPartner,
  type PartnerEnrollment,
  type PartnerEnrollmentRequest,
} from './monitoring-partner';

export interface HttpMonitoringPartnerOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs: number;
}

/**
 * The monitoring partner's REST API (deploy/local/monitoring-partner is its local stand-in):
 * POST /v1/enrollments with an Idempotency-Key header, GET /v1/enrollments?reference=, DELETE /v1/enrollments/:id.
 * A timeout is a retryable failure: the request may have been stored, which the idempotency key and
 * the lookup before a retry settle.
 */
export class HttpMonitoringPartner implements MonitoringPartner {
  constructor(private readonly options: HttpMonitoringPartnerOptions) {}

  async enroll(request: PartnerEnrollmentRequest, idempotencyKey: string): Promise<PartnerEnrollment> {
    const response = await this.call('POST', '/v1/enrollments', idempotencyKey, {
      reference: request.reference,
      msisdns: request.msisdns,
      monitoringStartsAt: request.monitoringStartsAt.toISOString(),
      monitoringEndsAt: request.monitoringEndsAt.toISOString(),
    });
    const body = await readJson(response);
    // 409: the partner already holds an enrollment for this reference (made under another key): it is ours.
    if (response.status === 201 || response.status === 200 || response.status === 409)
      return toEnrollment(body, request.reference);
    throw failure(response.status, body);
  }

  async findByReference(reference: string): Promise<PartnerEnrollment | null> {
    const response = await this.call('GET', `/v1/enrollments?reference=${encodeURIComponent(reference)}`);
    const body = await readJson(response);
    if (response.status !== 200) throw failure(response.status, body);
    const found = (body as { data?: unknown[] }).data?.[0];
    return found ? toEnrollment(found, reference) : null;
  }

  async cancel(partnerId: string, idempotencyKey: string): Promise<void> {
    const response = await this.call('DELETE', `/v1/enrollments/${encodeURIComponent(partnerId)}`, idempotencyKey);
    const body = await readJson(response);
    if (response.status !== 200 && response.status !== 204 && response.status !== 404)
      throw failure(response.status, body);
  }

  private async call(method: string, path: string, idempotencyKey?: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (this.options.apiKey) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    try {
      return await fetch(new URL(path, this.options.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new PartnerCallError(
        true,
        timedOut ? 'PARTNER_TIMEOUT' : 'PARTNER_UNREACHABLE',
        timedOut
          ? `no answer within ${this.options.timeoutMs} ms`
          : `cannot reach the partner: ${(error as Error).message}`,
      );
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    return {};
  }
}

function toEnrollment(body: unknown, reference: string): PartnerEnrollment {
  const record = body as { id?: unknown; reference?: unknown; status?: unknown };
  if (typeof record.id !== 'string' || record.id === '') {
    throw new PartnerCallError(true, 'PARTNER_BAD_RESPONSE', 'the partner answered without an enrollment id');
  }
  return {
    id: record.id,
    reference: typeof record.reference === 'string' ? record.reference : reference,
    status: typeof record.status === 'string' ? record.status : '',
  };
}

function failure(status: number, body: unknown): PartnerCallError {
  const error = typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : '';
  // Throttling, server errors and auth (a rotated key is fixed by config, not by dropping the work) are retried.
  const retryable = status === 429 || status >= 500 || status === 401 || status === 403 || status === 408;
  return new PartnerCallError(
    retryable,
    `PARTNER_HTTP_${status}`,
    `the partner answered ${status}${error ? ` (${error})` : ''}`,
  );
}
