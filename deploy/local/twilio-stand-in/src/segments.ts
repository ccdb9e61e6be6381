// SMS segment counting as Twilio bills and throttles it. The notifier must use this exact logic to
// predict cost and pacing, so it lives alone with no dependencies and can be copied or imported.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Number of SMS parts; 0 for an empty body. */
  segments: number;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  units: number;
}

// 3GPP TS 23.038 default alphabet (ESC 0x1B excluded: it is not a character a user can type).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Extension table: each is sent as ESC + char, so it costs two septets.
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS: Record<SmsEncoding, { single: number; multipart: number }> = {
  // A multipart SMS spends 6 bytes of every part on the concatenation header (UDH).
  'GSM-7': { single: 160, multipart: 153 },
  'UCS-2': { single: 70, multipart: 67 },
};

/** True if every character of `text` fits the GSM-7 default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) {
    if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return false;
  }
  return true;
}

/**
 * Counts segments the way carriers pack them: a character never straddles two parts, so an
 * extension character (2 septets) or an astral code point (2 UTF-16 units) that does not fit the
 * remaining room of a part starts the next one. That makes the count slightly higher than
 * ceil(units / 153) for some bodies, which is what Twilio bills.
 */
export function countSegments(body: string): SegmentCount {
  const encoding: SmsEncoding = isGsm7(body) ? 'GSM-7' : 'UCS-2';
  const costs: number[] = [];
  for (const ch of body) {
    // for..of walks code points; ch.length is 2 for a surrogate pair (emoji etc.).
    costs.push(encoding === 'GSM-7' ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length);
  }
  const units = costs.reduce((sum, c) => sum + c, 0);
  const { single, multipart } = LIMITS[encoding];
  if (units === 0) return { encoding, segments: 0, units };
  if (units <= single) return { encoding, segments: 1, units };

  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > multipart) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, segments, units };
}

// Unicode look-alikes that Twilio's Smart Encoding swaps for GSM-7 characters (the common subset).
const SMART_REPLACEMENTS: Record<string, string> = {
  '\u00a0': ' ', // no-break space
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2009': ' ',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u2026': '...',
  '\u2022': '-',
};
const SMART_PATTERN = new RegExp(`[${Object.keys(SMART_REPLACEMENTS).join('')}]`, 'g');

/** Applies Smart Encoding (`SmartEncoded=true`). It cannot help Urdu: Arabic script has no GSM look-alikes. */
export function smartEncode(body: string): string {
  return body.replace(SMART_PATTERN, (ch) => SMART_REPLACEMENTS[ch] ?? ch);
}
