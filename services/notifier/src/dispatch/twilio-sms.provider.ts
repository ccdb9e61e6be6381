import twilio from 'twilio';
import type { NotifierConfig } from '../config';

/** What became of one create call. */
export type SmsSendResult =
  | { kind: 'accepted'; sid: string; status: string; segments: number | null }
  /** Refused for this recipient or content; it will not work later either. */
  | { kind: 'rejected'; code: string; message: string }
  /** Certainly not created (Twilio said so, or the request never left): safe to send again later. */
  | { kind: 'retry'; code: string; message: string }
  /** May or may not have been created (5xx, timeout, connection lost): reconcile before sending again. */
  | { kind: 'unknown'; code: string; message: string };

export interface ProviderMessage {
  sid: string;
  status: string;
  errorCode: string | null;
}

// Create-time errors that no retry can fix for this recipient (Twilio's error dictionary).
const PERMANENT_CODES = new Set([21211, 21266, 21268, 21408, 21602, 21604, 21610, 21612, 21614, 21617, 21635]);
// Errors about our own account or sender: every message would fail alike, so wait and retry (and alert).
const SENDER_CODES = new Set([20003, 21212, 21603, 21606, 21609, 21611, 21705]);
// Network errors raised before the request could reach Twilio.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

/** Sorts a create failure into rejected, retry or unknown. Exported for its spec. */
export function classifyCreateError(error: unknown): Exclude<SmsSendResult, { kind: 'accepted' }> {
  if (error instanceof twilio.RestException) {
    const code = error.code ?? error.status;
    const message = `${error.status} ${error.code ?? ''} ${error.message}`.trim();
    if (error.status === 429) return { kind: 'retry', code: String(code), message };
    if (error.status >= 500) return { kind: 'unknown', code: String(code), message };
    if (error.code !== undefined && PERMANENT_CODES.has(error.code))
      return { kind: 'rejected', code: String(code), message };
    if (error.code !== undefined && SENDER_CODES.has(error.code)) return { kind: 'retry', code: String(code), message };
    // Any other 4xx: Twilio did not create the message; retrying is safe and bounded by the attempt cap.
    return { kind: 'retry', code: String(code), message };
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return { kind: 'retry', code, message };
  return { kind: 'unknown', code: typeof code === 'string' ? code : 'NETWORK', message };
}

/**
 * The Twilio Messages API behind three calls. The real `twilio` client; with TWILIO_API_BASE_URL set
 * (local stand-in) only `client.api.baseUrl` changes, nothing else differs from production.
 */
export class TwilioSmsProvider {
  private readonly client: twilio.Twilio;

  constructor(private readonly config: NotifierConfig) {
    this.client = twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, {
      timeout: config.TWILIO_REQUEST_TIMEOUT_MS,
    });
    if (config.TWILIO_API_BASE_URL) this.client.api.baseUrl = config.TWILIO_API_BASE_URL.replace(/\/+$/, '');
  }

  async send(to: string, body: string, statusCallback: string): Promise<SmsSendResult> {
    try {
      const message = await this.client.messages.create({
        to,
        body,
        statusCallback,
        ...(this.config.TWILIO_FROM
          ? { from: this.config.TWILIO_FROM }
          : { messagingServiceSid: this.config.TWILIO_MESSAGING_SERVICE_SID }),
      });
      const segments = Number(message.numSegments);
      return {
        kind: 'accepted',
        sid: message.sid,
        status: message.status,
        segments: Number.isFinite(segments) && segments > 0 ? segments : null,
      };
    } catch (error) {
      return classifyCreateError(error);
    }
  }

  /**
   * The message sent to `to` whose body carries `marker`, created since `since`, if there is one.
   * Filtered by To only: Twilio's DateSent filters skip messages still queued (date_sent is null).
   */
  async findByMarker(to: string, marker: string, since: Date): Promise<ProviderMessage | null> {
    const messages = await this.client.messages.list({ to, pageSize: 100, limit: 500 });
    const match = messages
      .filter(
        (message) =>
          message.body.includes(marker) && (!message.dateCreated || message.dateCreated.getTime() >= since.getTime()),
      )
      .sort((a, b) => (a.dateCreated?.getTime() ?? 0) - (b.dateCreated?.getTime() ?? 0))[0];
    return match
      ? { sid: match.sid, status: match.status, errorCode: match.errorCode === null ? null : String(match.errorCode) }
      : null;
  }

  async fetch(sid: string): Promise<ProviderMessage> {
    const message = await this.client.messages(sid).fetch();
    return {
      sid: message.sid,
      status: message.status,
      errorCode: message.errorCode === null ? null : String(message.errorCode),
    };
  }

  /** X-Twilio-Signature over the public URL Twilio called and the posted parameters. */
  isSignedByTwilio(signature: string | undefined, url: string, params: Record<string, string | string[]>): boolean {
    if (!signature) return false;
    return twilio.validateRequest(this.config.TWILIO_AUTH_TOKEN, signature, url, params);
  }
}
