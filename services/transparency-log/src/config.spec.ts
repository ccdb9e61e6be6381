import { COSIGNATURE_V1_TYPE, ED25519_TYPE, ed25519FromSeed, signerKey, verifierKey } from '@bnp/tlog';
import { TEST_PII_KEYS } from '@bnp/testing';
import { loadTransparencyLogConfig } from './config';

describe(loadTransparencyLogConfig.name, () => {
  const logKey = ed25519FromSeed('bnp.local/transparency-log', Buffer.alloc(32, 1));
  const witness = ed25519FromSeed('witness.local/bnp', Buffer.alloc(32, 2));
  const base = {
    ...TEST_PII_KEYS,
    TLOG_SIGNING_KEY: signerKey(logKey),
    TLOG_PSEUDONYM_KEY: Buffer.alloc(32, 3).toString('base64'),
    OIDC_ISSUER: 'http://127.0.0.1:8180/realms/bnp',
    OIDC_AUDIENCE: 'bnp-api',
  };

  it('defaults to port 3006 and a checkpoint every 10 s', () => {
    expect(loadTransparencyLogConfig(base)).toMatchObject({
      PORT: 3006,
      TLOG_CHECKPOINT_INTERVAL_MS: 10_000,
      TLOG_ORIGIN: 'bnp.local/transparency-log',
      witness: null,
    });
  });

  it('will not start without the identity provider whose tokens every read needs', () => {
    const { OIDC_ISSUER: _issuer, ...withoutIssuer } = base;
    expect(() => loadTransparencyLogConfig(withoutIssuer)).toThrow(/OIDC_ISSUER/);
  });

  it('refuses a signing key named other than the origin, naming the variable and not the key', () => {
    const other = signerKey(ed25519FromSeed('someone.else/log', Buffer.alloc(32, 1)));
    expect(() => loadTransparencyLogConfig({ ...base, TLOG_SIGNING_KEY: other })).toThrow(
      /TLOG_SIGNING_KEY: its key name must be TLOG_ORIGIN/,
    );
    try {
      loadTransparencyLogConfig({ ...base, TLOG_SIGNING_KEY: 'PRIVATE+KEY+x+00000000+AAAA' });
      throw new Error('expected a config error');
    } catch (error) {
      expect((error as Error).message).toContain('TLOG_SIGNING_KEY');
      expect((error as Error).message).not.toContain('AAAA');
    }
  });

  it('refuses checkpoints further apart than the 60 s the checkpoint spec allows', () => {
    expect(() => loadTransparencyLogConfig({ ...base, TLOG_CHECKPOINT_INTERVAL_MS: '61000' })).toThrow(
      /TLOG_CHECKPOINT_INTERVAL_MS/,
    );
  });

  it('wants the witness’s cosignature key with its URL, and only a cosignature/v1 key', () => {
    const url = 'http://127.0.0.1:4060';
    expect(() => loadTransparencyLogConfig({ ...base, TLOG_WITNESS_URL: url })).toThrow(/TLOG_WITNESS_KEY: required/);
    const plain = verifierKey(witness.name, ED25519_TYPE, witness.publicKey);
    expect(() => loadTransparencyLogConfig({ ...base, TLOG_WITNESS_URL: url, TLOG_WITNESS_KEY: plain })).toThrow(
      /cosignature\/v1/,
    );
    const cosigner = verifierKey(witness.name, COSIGNATURE_V1_TYPE, witness.publicKey);
    expect(
      loadTransparencyLogConfig({ ...base, TLOG_WITNESS_URL: url, TLOG_WITNESS_KEY: cosigner }).witness,
    ).toMatchObject({ url, key: { name: 'witness.local/bnp' } });
  });

  it('refuses a short pseudonym key', () => {
    expect(() =>
      loadTransparencyLogConfig({ ...base, TLOG_PSEUDONYM_KEY: Buffer.alloc(8).toString('base64') }),
    ).toThrow(/TLOG_PSEUDONYM_KEY/);
  });
});
