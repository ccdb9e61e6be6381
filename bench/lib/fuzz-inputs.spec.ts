import { fromBinary } from '@bufbuild/protobuf';
import { BreachReportedSchema, InventoryChangedSchema } from '@bnp/contracts';
import {
  BREACH_KINDS,
  badBreachEvent,
  badCallback,
  badInventoryChange,
  conflictingRevisions,
  seededRandom,
} from './fuzz-inputs';

describe('fuzz inputs', () => {
  it('the same seed gives the same inputs, another seed others', () => {
    const run = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, (_, n) => badBreachEvent(random, n).value.toString('hex'));
    };
    expect(run(1)).toEqual(run(1));
    expect(run(2)).not.toEqual(run(1));
  });

  it('cycles through every kind of bad breach event', () => {
    const random = seededRandom(1);
    expect(Array.from({ length: BREACH_KINDS.length }, (_, n) => badBreachEvent(random, n).kind)).toEqual([
      ...BREACH_KINDS,
    ]);
  });

  it('a truncated event does not decode', () => {
    const random = seededRandom(3);
    for (let n = 1; n < 200; n += BREACH_KINDS.length) {
      const input = badBreachEvent(random, n);
      expect(input.kind).toBe('truncated');
      expect(() => fromBinary(BreachReportedSchema, input.value)).toThrow();
    }
  });

  it('an invalid enum decodes to a value outside the enum', () => {
    const input = badBreachEvent(seededRandom(1), 2);
    expect(fromBinary(BreachReportedSchema, input.value).severity).toBeGreaterThanOrEqual(50);
  });

  it('a wrong key is not the incident id', () => {
    const input = badBreachEvent(seededRandom(1), 4);
    expect(input.key).not.toBe(fromBinary(BreachReportedSchema, input.value).incidentId);
  });

  it('conflicting revisions share incident and revision, not content', () => {
    const { accepted, conflicting } = conflictingRevisions(7);
    const first = fromBinary(BreachReportedSchema, accepted.value);
    const second = fromBinary(BreachReportedSchema, conflicting.value);
    expect([second.incidentId, second.revision]).toEqual([first.incidentId, first.revision]);
    expect(second.summary).not.toBe(first.summary);
  });

  it('an inventory change without a change decodes with none', () => {
    const input = badInventoryChange(seededRandom(1), 3);
    expect(input.kind).toBe('no-change');
    expect(fromBinary(InventoryChangedSchema, input.value).change.case).toBeUndefined();
  });

  it('an unknown-SID callback names another SID than the known one', () => {
    const input = badCallback(seededRandom(1), 2, 'SMknown', 'AC1');
    expect(input.kind).toBe('unknown-sid');
    expect(input.form.MessageSid).not.toBe('SMknown');
    expect(input.signature).toBe('right');
  });
});
