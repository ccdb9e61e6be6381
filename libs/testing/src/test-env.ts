/** Fixed, non-secret keys and local endpoints for tests. Never use these keys outside tests. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp_test';

export const TEST_PII_KEYS = {
  PII_ENCRYPTION_KEYS: `test1:${Buffer.alloc(32, 7).toString('base64')}`,
  PII_ACTIVE_KEY_ID: 'test1',
  PII_BLIND_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
};

export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    DATABASE_URL: TEST_DATABASE_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    ...TEST_PII_KEYS,
    // The local Keycloak's realm (scripts/keycloak.sh); services fetch its keys only when a token arrives.
    OIDC_ISSUER:
      process.env.OIDC_ISSUER ??
      process.env.KEYCLOAK_ISSUER ??
      `http://127.0.0.1:${process.env.KEYCLOAK_PORT ?? '8180'}/realms/bnp`,
    OIDC_AUDIENCE: process.env.OIDC_AUDIENCE ?? 'bnp-api',
    OIDC_IAT_IS_AUTH_TIME_CLIENTS: 'bnp-cli-login',
    ...overrides,
  };
}
