export * from './merkle';
export * from './proofs';
export * from './tiles';
export * from './bundle';
export * from './note';
export * from './checkpoint';
export * from './canonical-json';
export * from './path-verifier';
