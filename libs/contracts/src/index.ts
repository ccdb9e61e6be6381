// Generated from proto/ by `npm run generate` (buf + protoc-gen-es). Never edit src/gen by hand.
export * from './gen/breach/v1/types_pb';
export * from './gen/breach/v1/breach_reported_pb';
export * from './gen/incident/v1/incident_revision_pb';
export * from './gen/incident/v1/incident_control_pb';
export * from './gen/inventory/v1/inventory_change_pb';
export * from './gen/exposure/v1/exposure_pb';
export * from './gen/fraud/v1/fraud_pb';
export * from './gen/notification/v1/notification_log_pb';
export * from './gen/access/v1/access_log_pb';
export * from './gen/regulator/v1/regulator_report_pb';
export * from './gen/care/v1/care_pb';
export * from './topics';
export * from './codec';
export * from './closed-enums';
