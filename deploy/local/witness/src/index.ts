export * from './witness';
export * from './state-file';
export * from './server';
