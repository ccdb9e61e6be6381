// Urdu keyboards and some spreadsheets produce Arabic-Indic digits; fold them so they are not rejected as letters.
const ARABIC_INDIC_ZERO = 0x0660;
const EXTENDED_ARABIC_INDIC_ZERO = 0x06f0;

export function foldDigits(value: string): string {
  return value.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (digit) => {
    const code = digit.charCodeAt(0);
    const zero = code >= EXTENDED_ARABIC_INDIC_ZERO ? EXTENDED_ARABIC_INDIC_ZERO : ARABIC_INDIC_ZERO;
    return String(code - zero);
  });
}

/** Whitespace plus the dash look-alikes that word processors substitute for '-'. */
export const DASHES_AND_SPACES = /[\s\-\u2010-\u2015\u2212]/g;
