/** Injection token for the notifier's validated configuration. */
export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');
