export * from './domain-exception';
export * from './unexpected';
