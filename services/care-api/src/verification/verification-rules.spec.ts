import {
  CODE_WINDOW_MS,
  MAX_CODE_ATTEMPTS,
  codeDigest,
  confirmOutcome,
  issueDecision,
  newCareCode,
  normaliseReadCode,
  type VerificationState,
} from './verification-rules';

const KEY = Buffer.alloc(32, 4);
const ID = '2b1f0f4e-8a63-4f38-9d0e-6c7e5d1f2a10';
const now = new Date('2026-12-08T10:00:00Z');
const state = (overrides: Partial<VerificationState> = {}): VerificationState => ({
  expiresAt: new Date(now.getTime() + 60_000),
  attempts: 0,
  verifiedAt: null,
  digest: codeDigest(KEY, ID, '042917'),
  ...overrides,
});

describe('newCareCode', () => {
  it('is six digits, leading zeros kept', () => {
    expect(newCareCode(() => 42)).toBe('000042');
    expect(newCareCode(() => 999_999)).toBe('999999');
    expect(newCareCode()).toMatch(/^\d{6}$/);
  });
});

describe('codeDigest', () => {
  it('binds the code to its verification', () => {
    expect(codeDigest(KEY, ID, '042917').equals(codeDigest(KEY, ID, '042917'))).toBe(true);
    expect(codeDigest(KEY, ID, '042917').equals(codeDigest(KEY, 'another', '042917'))).toBe(false);
  });
});

describe('confirmOutcome', () => {
  const right = codeDigest(KEY, ID, '042917');
  const wrong = codeDigest(KEY, ID, '042918');

  it('verifies the right code while it works', () => {
    expect(confirmOutcome(state(), right, now)).toBe('verified');
  });

  it('refuses a wrong code, an expired one, and any code after too many wrong readings', () => {
    expect(confirmOutcome(state(), wrong, now)).toBe('wrong');
    expect(confirmOutcome(state({ expiresAt: now }), right, now)).toBe('expired');
    expect(confirmOutcome(state({ attempts: MAX_CODE_ATTEMPTS }), right, now)).toBe('locked');
  });

  it('says a verified verification stays verified (a double submit changes nothing)', () => {
    expect(confirmOutcome(state({ verifiedAt: now }), wrong, now)).toBe('already-verified');
  });
});

describe('issueDecision', () => {
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('allows three codes an hour per person', () => {
    expect(issueDecision([ago(1000), ago(2000)], now)).toEqual({ allowed: true });
    expect(issueDecision([ago(1000), ago(2000), ago(CODE_WINDOW_MS)], now)).toEqual({ allowed: true });
  });

  it('refuses a fourth, saying when the oldest leaves the window', () => {
    expect(issueDecision([ago(10 * 60_000), ago(1000), ago(2000)], now)).toEqual({
      allowed: false,
      retryAfterMs: CODE_WINDOW_MS - 10 * 60_000,
    });
  });
});

describe('normaliseReadCode', () => {
  it('takes the digits as read aloud and typed, nothing else', () => {
    expect(normaliseReadCode('042 917')).toBe('042917');
    expect(normaliseReadCode('042-917')).toBe('042917');
    expect(normaliseReadCode('42917')).toBeNull();
    expect(normaliseReadCode('04291a')).toBeNull();
  });
});
