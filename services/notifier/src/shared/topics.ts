import { Topics } from '@bnp/contracts';

/** The topics the notifier reads and writes, with the configured prefix (empty in production). */
export interface NotifierTopics {
  exposure: string;
  fraudEnrollments: string;
  fraudChallenges: string;
  careChallenges: string;
  incidentControl: string;
  notificationLog: string;
  regulatorReports: string;
}

export const NOTIFIER_TOPICS = Symbol('NOTIFIER_TOPICS');

export function notifierTopics(prefix: string): NotifierTopics {
  return {
    exposure: `${prefix}${Topics.exposure}`,
    fraudEnrollments: `${prefix}${Topics.fraudEnrollments}`,
    fraudChallenges: `${prefix}${Topics.fraudChallenges}`,
    careChallenges: `${prefix}${Topics.careChallenges}`,
    incidentControl: `${prefix}${Topics.incidentControl}`,
    notificationLog: `${prefix}${Topics.notificationLog}`,
    regulatorReports: `${prefix}${Topics.regulatorReports}`,
  };
}
