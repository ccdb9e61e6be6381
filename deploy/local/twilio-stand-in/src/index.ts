export { createTwilioStandIn } from './stand-in';
export type { TwilioStandIn, TwilioStandInAdmin, TwilioStandInOptions, StandInStats } from './stand-in';
export { loadConfig, defaultConfig, ConfigError, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from './config';
export type { StandInConfig, NumberRules, CallbackSettings } from './config';
export { countSegments, isGsm7, smartEncode } from './segments';
export type { SegmentCount, SmsEncoding } from './segments';
export type { FaultPatch, FaultSettings, FaultMode } from './faults';
export type { MessageResource, MessageStatus, StoredMessage } from './message';
