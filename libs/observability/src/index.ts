export * from './logger';
export * from './elapsed';
export * from './health';
export * from './metrics';
export * from './observability.module';
export * from './nest-logger';
export * from './shutdown';
export * from './service-app';
