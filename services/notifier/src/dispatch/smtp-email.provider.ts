import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { NotifierConfig } from '../config';
import type { EmailContent } from '../templates/template';

export type EmailSendResult =
  | { kind: 'sent'; messageId: string; response: string }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'retry'; code: string; message: string };

/**
 * SMTP with a connection pool sized to the relay (SMTP_POOL_SIZE connections, each reused for many
 * messages); the scheduler keeps a few messages queued per connection so none waits for the database
 * between two messages. The Message-ID is ours and stable per delivery, so a resent copy is recognisable.
 */
export class SmtpEmailProvider {
  private readonly transport: Transporter<SMTPPool.SentMessageInfo>;

  constructor(private readonly config: NotifierConfig) {
    this.transport = nodemailer.createTransport({
      pool: true,
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      maxConnections: config.SMTP_POOL_SIZE,
      maxMessages: config.SMTP_MESSAGES_PER_CONNECTION || Infinity,
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
      ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } } : {}),
      // Local sinks have no certificate worth checking; production sets SMTP_SECURE and a real host.
      tls: { rejectUnauthorized: config.SMTP_SECURE },
    });
  }

  async send(to: string, content: EmailContent, messageId: string, language: 'ur' | 'en'): Promise<EmailSendResult> {
    try {
      const info = await this.transport.sendMail({
        from: this.config.NOTIFIER_EMAIL_FROM,
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        messageId,
        headers: { 'Content-Language': language, 'Auto-Submitted': 'auto-generated' },
      });
      if (info.rejected.length > 0) return { kind: 'rejected', code: 'SMTP_REJECTED', message: info.response };
      return { kind: 'sent', messageId: info.messageId || messageId, response: info.response };
    } catch (error) {
      const responseCode = (error as { responseCode?: unknown }).responseCode;
      const message = error instanceof Error ? error.message : String(error);
      // 5xx is a permanent refusal (no such mailbox, policy); anything else (4xx, connection) may pass later.
      if (typeof responseCode === 'number' && responseCode >= 500)
        return { kind: 'rejected', code: `SMTP_${responseCode}`, message };
      const code = (error as { code?: unknown }).code;
      return {
        kind: 'retry',
        code:
          typeof responseCode === 'number' ? `SMTP_${responseCode}` : typeof code === 'string' ? code : 'SMTP_ERROR',
        message,
      };
    }
  }

  close(): void {
    this.transport.close();
  }
}
