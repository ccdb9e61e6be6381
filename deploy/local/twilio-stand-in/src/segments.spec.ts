import { countSegments, isGsm7, smartEncode } from './segments';

const urdu = 'آپ کا ڈیٹا محفوظ ہے۔ '; // 21 characters of Urdu (Arabic script) incl. spaces and full stop

function urduOfLength(n: number): string {
  return urdu.repeat(Math.ceil(n / urdu.length)).slice(0, n);
}

describe(countSegments.name, () => {
  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [1600, 11],
  ])('packs %i GSM-7 characters into %i segment(s)', (length, segments) => {
    expect(countSegments('a'.repeat(length))).toEqual({ encoding: 'GSM-7', segments, units: length });
  });

  it('counts extension-table characters as two septets', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('{'.repeat(81)).segments).toBe(2);
  });

  it('never splits an escaped character across two parts', () => {
    // 306 septets would fit two parts of 153, but the € cannot start at septet 153 of part one.
    const body = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(countSegments(body)).toEqual({ encoding: 'GSM-7', segments: 3, units: 306 });
  });

  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [160, 3],
    [320, 5],
    [1600, 24],
  ])('sends %i Urdu characters as UCS-2 in %i segment(s)', (length, segments) => {
    expect(countSegments(urduOfLength(length))).toEqual({ encoding: 'UCS-2', segments, units: length });
  });

  it('switches the whole message to UCS-2 when one character is outside GSM-7', () => {
    const english = 'Your account data may have been exposed. '.repeat(3); // 123 chars: 1 GSM segment
    expect(countSegments(english).segments).toBe(1);
    expect(countSegments(`${english}ہ`)).toEqual({ encoding: 'UCS-2', segments: 2, units: 124 });
  });

  it('counts characters outside the BMP as two UTF-16 units and keeps each whole', () => {
    expect(countSegments('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    // 36 emoji = 72 units; 33 fit a 67-unit part (66 units), so three are left for part two.
    expect(countSegments('😀'.repeat(36))).toEqual({ encoding: 'UCS-2', segments: 2, units: 72 });
    expect(countSegments('😀'.repeat(67))).toEqual({ encoding: 'UCS-2', segments: 3, units: 134 });
  });

  it('reports an empty body as zero segments', () => {
    expect(countSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, units: 0 });
  });

  it('treats Romanised Urdu as GSM-7', () => {
    expect(countSegments('Aap ka data mehfooz hai.').encoding).toBe('GSM-7');
  });
});

describe(isGsm7.name, () => {
  it('accepts the GSM alphabet and rejects look-alikes that are not in it', () => {
    expect(isGsm7('Ç@£$¥èéùìò ÄÖÑÜ§¿äöñüà ^{}\\[~]|€')).toBe(true);
    expect(isGsm7('ç')).toBe(false); // lower-case c-cedilla is not in the default alphabet
    expect(isGsm7('’')).toBe(false);
  });
});

describe(smartEncode.name, () => {
  it('replaces curly quotes, dashes and ellipses so the message stays GSM-7', () => {
    const body = 'We’re sorry — “data” exposed…';
    expect(countSegments(body).encoding).toBe('UCS-2');
    expect(smartEncode(body)).toBe('We\'re sorry - "data" exposed...');
    expect(countSegments(smartEncode(body)).encoding).toBe('GSM-7');
  });

  it('leaves Urdu untouched', () => {
    expect(smartEncode(urdu)).toBe(urdu);
  });
});
