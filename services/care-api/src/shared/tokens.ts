export const CARE_CONFIG = Symbol('CARE_CONFIG');
