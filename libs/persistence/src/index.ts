export * from './batcher';
export * from './data-source';
export * from './postgres-health';
export * from './pg-pool';
export * from './notified-loop';
export * from './worker-loop';
