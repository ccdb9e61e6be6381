export * from './obligations';
export * from './applicability';
export * from './deadlines';
export * from './due-date';
export * from './clock-alerts';
