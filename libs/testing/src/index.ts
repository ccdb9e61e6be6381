export * from './test-env';
export * from './wait-for';
export * from './kafka-test-client';
export * from './totp';
export * from './keycloak';
export * from './consumer-groups';
export * from './tcp-proxy';
