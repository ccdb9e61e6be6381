// The stand-in's counter is the reference for what Twilio bills; it is imported only here, in a spec.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { countSegments as standInCount } from '../../../../deploy/local/twilio-stand-in/src/segments';
import { countSegments } from './segments';

describe(countSegments.name, () => {
  const bodies = [
    '',
    'a'.repeat(160),
    'a'.repeat(161),
    'a'.repeat(306),
    'a'.repeat(307),
    `${'a'.repeat(152)}€${'a'.repeat(10)}`, // an extension character that does not fit the first part
    'ا'.repeat(70),
    'ا'.repeat(71),
    'ا'.repeat(134),
    'ا'.repeat(135),
    `Baltik ${'ک'.repeat(60)} 0800-22584`,
    `${'😀'.repeat(34)}a`, // astral characters never straddle parts
    'curly “quotes” switch to UCS-2',
  ];

  it.each(bodies.map((body) => [body.length, body] as const))(
    'agrees with the Twilio stand-in for a %i-character body',
    (_length, body) => {
      expect(countSegments(body)).toEqual(standInCount(body));
    },
  );

  it('counts Urdu as UCS-2 at 67 characters a part', () => {
    expect(countSegments('ا'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSegments('ا'.repeat(71)).segments).toBe(2);
    expect(countSegments('ا'.repeat(201)).segments).toBe(3);
    expect(countSegments('ا'.repeat(202)).segments).toBe(4);
  });
});
