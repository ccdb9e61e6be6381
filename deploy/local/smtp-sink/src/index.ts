export { createSmtpSink } from './sink';
export type { SmtpSink, SmtpSinkOptions } from './sink';
export { loadConfig, defaultConfig, ConfigError } from './config';
export type { SmtpSinkConfig, RecipientRules } from './config';
export type { StoredMail, MailAddress } from './mail-store';
