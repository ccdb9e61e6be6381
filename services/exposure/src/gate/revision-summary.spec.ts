import { revisionSummaryHash } from './revision-summary';

describe(revisionSummaryHash.name, () => {
  const fields = {
    incidentId: 'INC-1',
    revision: 2,
    dryRun: false,
    peopleAffected: 120,
    events: 130,
    policyVersion: 'v3',
    summary: { peopleByTier: { HIGH: 20, LOW: 100 }, unknownAssets: [] },
  };

  it('does not depend on the order of keys', () => {
    const reordered = { ...fields, summary: { unknownAssets: [], peopleByTier: { LOW: 100, HIGH: 20 } } };
    expect(revisionSummaryHash(reordered)).toBe(revisionSummaryHash(fields));
  });

  it('changes when anything the approver is shown changes', () => {
    const base = revisionSummaryHash(fields);
    expect(revisionSummaryHash({ ...fields, peopleAffected: 121 })).not.toBe(base);
    expect(
      revisionSummaryHash({ ...fields, summary: { peopleByTier: { HIGH: 21, LOW: 100 }, unknownAssets: [] } }),
    ).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
