import { deadlinesFor, OBLIGATIONS, primaryRegulator, type ObligationSet } from '@bnp/obligations';
import type { RegulatorReportStatus } from '../templates/template';

export interface KnownReceipt {
  regulatorId: string;
  filedAt: Date;
}

/**
 * What a notice says about the report to the incident's regulator (libs/obligations names it): filed
 * when a receipt from that regulator exists, else being prepared with the earliest due date of its
 * obligations. Null where no rules exist for the jurisdiction (the notice then names no regulator).
 */
export function regulatorReportStatus(
  jurisdiction: string,
  detectedAt: Date | null,
  receipts: KnownReceipt[],
  rules: ObligationSet = OBLIGATIONS,
): RegulatorReportStatus | null {
  const regulator = primaryRegulator(rules, jurisdiction);
  if (!regulator) return null;
  const filed = receipts
    .filter((receipt) => receipt.regulatorId === regulator.id)
    .reduce<Date | null>((first, receipt) => (!first || receipt.filedAt < first ? receipt.filedAt : first), null);
  const dueDates = detectedAt
    ? deadlinesFor(rules, jurisdiction, { awareAt: detectedAt })
        .filter((deadline) => deadline.recipient?.id === regulator.id && deadline.dueAt !== null)
        .map((deadline) => deadline.dueAt!)
    : [];
  const dueAt = dueDates.reduce<Date | null>((first, due) => (!first || due < first ? due : first), null);
  return { regulatorName: regulator.name, regulatorNameUr: regulator.nameUr, filedAt: filed, dueAt };
}
