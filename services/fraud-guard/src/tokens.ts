/** Injection token for the validated FraudGuardConfig. */
export const FRAUD_CONFIG = Symbol('FRAUD_CONFIG');
