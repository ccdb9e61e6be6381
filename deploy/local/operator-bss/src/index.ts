export * from './ledger';
export * from './stand-in';
