export { FAILURE_MODES, createMonitoringPartnerStandIn } from './stand-in';
export type {
  FailureMode,
  MonitoringPartnerStandIn,
  MonitoringPartnerStandInOptions,
  PartnerEnrollmentRecord,
  StandInStats,
} from './stand-in';
