/** Injection token for the validated TransparencyLogConfig. */
export const TLOG_CONFIG = Symbol('TLOG_CONFIG');

/** Injection token for the pg Pool under the service's DataSource (raw SQL for appends and reads). */
export const TLOG_POOL = Symbol('TLOG_POOL');
