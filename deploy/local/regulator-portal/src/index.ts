export * from './portal';
export * from './server';
