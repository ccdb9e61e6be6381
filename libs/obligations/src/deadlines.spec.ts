import { deadlinesFor, firstRegulatorDeadline } from './deadlines';
import { OBLIGATIONS } from './obligations';
import type { IncidentFacts } from './applicability';

const awareAt = new Date('2026-12-04T10:00:00Z'); // a Friday
const highRisk: IncidentFacts = {
  risk: 'high-risk',
  significantIncident: true,
  harmReasonablyLikely: true,
  unintelligibleToAttacker: false,
};

describe(deadlinesFor.name, () => {
  const sut = (code: string, facts?: IncidentFacts, filedAt?: Record<string, Date>) =>
    deadlinesFor(OBLIGATIONS, code, { awareAt, ...(facts ? { facts } : {}), ...(filedAt ? { filedAt } : {}) });
  const due = (code: string, id: string, filedAt?: Record<string, Date>) =>
    sut(code, highRisk, filedAt)
      .find((deadline) => deadline.obligationId === id)
      ?.dueAt?.toISOString();

  it('gives Pakistan 72 hours to tell the PTA, under a draft law', () => {
    const [pta] = sut('PK');
    expect(pta).toMatchObject({ obligationId: 'pk-pdpb.regulator', status: 'draft', effectiveDate: null });
    expect(pta?.recipient?.name).toBe('Pakistan Telecommunication Authority');
    expect(pta?.dueAt?.toISOString()).toBe('2026-12-07T10:00:00.000Z');
  });

  it('gives GDPR 72 hours and NIS2 24 h, 72 h and one month after the notification', () => {
    expect(due('EU', 'gdpr.art33')).toBe('2026-12-07T10:00:00.000Z');
    expect(due('EU', 'nis2.early-warning')).toBe('2026-12-05T10:00:00.000Z');
    expect(due('EU', 'nis2.notification')).toBe('2026-12-07T10:00:00.000Z');
    expect(due('EU', 'nis2.final')).toBe('2027-01-07T10:00:00.000Z');
  });

  it('runs the NIS2 final report from when the notification was actually filed', () => {
    expect(due('EU', 'nis2.final', { 'nis2.notification': new Date('2026-12-05T08:00:00Z') })).toBe(
      '2027-01-05T08:00:00.000Z',
    );
  });

  it('gives CERT-In 6 hours', () => {
    expect(due('IN', 'cert-in.report')).toBe('2026-12-04T16:00:00.000Z');
  });

  it('counts the FCC seven business days over the weekend and names the USSS and FBI too', () => {
    const fcc = sut('US').find((deadline) => deadline.obligationId === 'fcc-cpni.agencies');
    expect(fcc?.dueAt?.toISOString()).toBe('2026-12-15T10:00:00.000Z');
    expect(fcc?.alsoTo.map((agency) => agency.short)).toEqual(['USSS/FBI']);
    expect(due('US', 'fcc-cpni.customers')).toBe('2027-01-03T10:00:00.000Z');
  });

  it('says individuals need no GDPR notice when the stolen data was encrypted and the key was not taken', () => {
    const art34 = sut('EU', { ...highRisk, unintelligibleToAttacker: true }).find(
      (d) => d.obligationId === 'gdpr.art34',
    );
    const art33 = sut('EU', { ...highRisk, unintelligibleToAttacker: true }).find(
      (d) => d.obligationId === 'gdpr.art33',
    );
    expect(art34).toMatchObject({ applies: false, dueAt: null });
    expect(art34?.reason).toMatch(/encrypted/);
    expect(art33?.applies).toBe(true);
  });

  it('drops FCC customer notices when no harm is reasonably likely, but not the agencies report', () => {
    const noHarm = { ...highRisk, harmReasonablyLikely: false };
    const verdicts = Object.fromEntries(sut('US', noHarm).map((d) => [d.obligationId, d.applies]));
    expect(verdicts).toEqual({ 'fcc-cpni.agencies': true, 'fcc-cpni.customers': false });
  });

  it('has no obligations for a jurisdiction it does not know', () => {
    expect(sut('ZZ')).toEqual([]);
  });

  it('cites a source, a status and (unless draft) an effective date for every rule', () => {
    for (const code of Object.keys(OBLIGATIONS.jurisdictions))
      for (const deadline of sut(code)) {
        expect(deadline.source.length).toBeGreaterThan(20);
        if (deadline.status !== 'draft') expect(deadline.effectiveDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
  });
});

describe(firstRegulatorDeadline.name, () => {
  const sut = (code: string) => firstRegulatorDeadline(OBLIGATIONS, code, awareAt);

  it('is the earliest regulator clock of the jurisdiction', () => {
    expect(sut('PK')?.dueAt?.toISOString()).toBe('2026-12-07T10:00:00.000Z');
    expect(sut('EU')).toMatchObject({ obligationId: 'nis2.early-warning' });
    expect(sut('IN')?.recipient?.short).toBe('CERT-In');
    expect(sut('AU')?.dueAt?.toISOString()).toBe('2027-01-03T10:00:00.000Z');
  });

  it('is null where no rule is known', () => {
    expect(sut('ZZ')).toBeNull();
  });
});
