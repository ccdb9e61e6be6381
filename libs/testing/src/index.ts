export * from './test-env';
export * from './wait-for';
export * from './kafka-test-client';
export * from './tcp-proxy';
