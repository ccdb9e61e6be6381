// Assembles the sink: mail store, recipient policy, SMTP server and HTTP app. Tests start it
// in-process with createSmtpSink(); main.ts starts it from the environment.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { defaultConfig, type RecipientRules, type SmtpSinkConfig } from './config';
import { createHttpApp } from './http-api';
import { MailStore } from './mail-store';
import { RecipientPolicy } from './recipient-rules';
import { createSmtpServer } from './smtp';

export type SmtpSinkOptions = Partial<Omit<SmtpSinkConfig, 'recipients'>> & {
  recipients?: Partial<RecipientRules>;
  /** Default: silent. main.ts passes a real logger. */
  logger?: Logger;
};

export interface SmtpSink {
  config: SmtpSinkConfig;
  smtpPort: number;
  httpPort: number;
  /** http://host:port of the API and HTML view. */
  httpUrl: string;
  store: MailStore;
  /** Replaces the reject and/or temp-fail lists. */
  setRecipientRules(rules: Partial<RecipientRules>): void;
  close(): Promise<void>;
}

export async function createSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const d = defaultConfig();
  const { recipients, logger: givenLogger, ...rest } = options;
  const config: SmtpSinkConfig = { ...d, ...rest, recipients: { ...d.recipients, ...recipients } };
  const logger = givenLogger ?? pino({ level: 'silent' });

  const store = new MailStore({
    maxMessages: config.maxMessages,
    file: config.storeFile,
    writeIntervalMs: config.storeWriteIntervalMs,
    logger,
  });
  const policy = new RecipientPolicy(config.recipients);

  const smtp = createSmtpServer(config, store, policy, logger);
  smtp.on('error', (error) => logger.error({ err: error }, 'smtp server error'));
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(config.smtpPort, config.host, () => {
      smtp.server.off('error', reject);
      resolve();
    });
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const http: Server = createHttpApp(store, policy).listen(config.httpPort, config.host);
  try {
    await once(http, 'listening');
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  const httpPort = (http.address() as AddressInfo).port;
  const httpUrl = `http://${config.host}:${httpPort}`;
  logger.info({ smtp: `${config.host}:${smtpPort}`, http: httpUrl }, 'smtp sink listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // smtp-server waits for clients to QUIT; a pooled nodemailer transport keeps connections open.
      const smtpClosed = new Promise<void>((resolve) => smtp.close(() => resolve()));
      for (const connection of (smtp as unknown as { connections: Set<{ close(): void }> }).connections)
        connection.close();
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await Promise.all([smtpClosed, httpClosed]);
      await store.flush();
    })();
    return closing;
  };

  return { config, smtpPort, httpPort, httpUrl, store, setRecipientRules: (rules) => policy.set(rules), close };
}
