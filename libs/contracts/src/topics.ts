/** Every Kafka topic the platform produces or consumes. deploy/local/kafka/topics.txt creates them. */
export const Topics = {
  /** From the operator's security systems: breach.v1.BreachReported, key = incident id. */
  breachEvents: 'breach.events.v1',
  /** From intake: incident.v1.IncidentRevisionAccepted, key = incident id. */
  incidentRevisions: 'incident.revisions.v1',
  /** Release gate and pause/resume decisions: incident.v1.IncidentControl, key = incident id. */
  incidentControl: 'incident.control.v1',
  /** Directory and inventory changes: inventory.v1.InventoryChanged, key = subscriber id (asset id for assets). */
  inventoryChanges: 'inventory.changes.v1',
  exposure: 'exposure.v1',
  notificationLog: 'notification.log.v1',
  fraudProtection: 'fraud.protection.v1',
  fraudProtectionAcks: 'fraud.protection.acks.v1',
  /** fraud.v1.EnrollmentCreated, key = person id: the notifier waits for it for protected tiers. */
  fraudEnrollments: 'fraud.enrollments.v1',
  /**
   * fraud.v1.ActivationChallengeIssued, key = person id: the notifier texts the one-time code. Carries a
   * short-lived secret, so the topic keeps messages for an hour only.
   */
  fraudChallenges: 'fraud.challenges.v1',
  /**
   * care.v1.CareCodeIssued, key = person id: care-api verifies a caller; the notifier texts the care code.
   * Carries a short-lived secret, so the topic keeps messages for an hour only.
   */
  careChallenges: 'care.challenges.v1',
  /** access.v1.AccessLogEntry, key = subject: every access to a door, from each service's outbox. */
  accessLog: 'access.log.v1',
  /**
   * regulator.v1.RegulatorReportFiled, key = incident id: a regulator portal's receipt for a report
   * (regulator-api, through its outbox). The notifier only says a breach was reported after one.
   */
  regulatorReports: 'regulator.reports.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];
