export * from './access-log-sql';
export * from './access-record';
export * from './access-audit.writer';
export * from './access-audit.interceptor';
export * from './access-denial.recorder';
export * from './access-audit.module';
