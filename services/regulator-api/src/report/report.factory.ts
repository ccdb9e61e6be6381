import { AttackVector } from '@bnp/contracts';
import type { IncidentFigures, OperatorProfile } from './compose-report';

export const operatorProfile: OperatorProfile = {
  name: 'Example Telecom',
  contact: { name: 'Data Protection Officer', email: 'dpo@example-telecom.pk', phone: '+92 51 111 000 111' },
  officialSite: 'https://example-telecom.pk/breach',
};

/** Figures of an incident three days after detection, with some people not reached. */
export function incidentFigures(overrides: Partial<IncidentFigures> = {}): IncidentFigures {
  return {
    incidentId: 'INC-2026-0042',
    revision: 2,
    jurisdiction: 'PK',
    detectedAt: new Date('2026-12-01T06:00:00Z'),
    occurredTo: new Date('2026-11-30T22:00:00Z'),
    attackVectors: [AttackVector.CREDENTIAL_STUFFING, AttackVector.MISCONFIGURATION],
    peopleAffected: 1200,
    subscriptionsAffected: 1530,
    peopleByTier: { critical: 100, high: 300, medium: 500, low: 300 },
    peopleByCategory: { CNIC: 1200, MSISDN: 1200, CALL_RECORDS: 400 },
    subscriptionsByRegion: { '1': 900, '2': 630 },
    deliveriesByChannel: { sms: 1180, email: 640 },
    deliveriesByStatus: { delivered: 1700, failed: 120 },
    firstNoticeAt: new Date('2026-12-01T09:30:00Z'),
    notifiedBy: { 24: 600, 48: 1080, 72: 1170 },
    unreachable: 30,
    checkpoint: {
      origin: 'bnp.local/transparency-log',
      treeSize: 48211,
      rootHash: 'Qm9vdHN0cmFwcGVkIHJvb3QgaGFzaCBmb3IgdGVzdHM=',
    },
    ...overrides,
  };
}
