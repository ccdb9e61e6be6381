import { CompactSign, generateKeyPair, type GenerateKeyPairResult, type KeyLike } from 'jose';
import { PortalRefusal, RegulatorPortal } from './portal';

const sign = async (payload: unknown, key: KeyLike) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA' }).sign(key);

describe(RegulatorPortal.name, () => {
  let operator: GenerateKeyPairResult;
  let stranger: GenerateKeyPairResult;
  beforeAll(async () => {
    operator = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  });
  const sut = () => new RegulatorPortal(operator.publicKey, () => new Date('2026-12-07T12:00:00Z'));

  it('gives a receipt for a report signed with the operator’s key, and the same one again on re-submission', async () => {
    const portal = sut();
    const jws = await sign({ reportId: 'r-1', incidentId: 'INC-1' }, operator.privateKey);
    const first = await portal.submit(jws);
    const again = await portal.submit(jws);
    expect(first.created).toBe(true);
    expect(first.receipt).toMatchObject({ reportId: 'r-1', receivedAt: '2026-12-07T12:00:00.000Z' });
    expect(first.receipt.receiptId).toMatch(/^RCPT-[0-9A-F]{16}$/);
    expect(again).toEqual({ receipt: first.receipt, created: false });
  });

  it('refuses a report signed with another key', async () => {
    const jws = await sign({ reportId: 'r-1' }, stranger.privateKey);
    await expect(sut().submit(jws)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses different contents under a report id already filed', async () => {
    const portal = sut();
    await portal.submit(await sign({ reportId: 'r-1', people: 10 }, operator.privateKey));
    await expect(portal.submit(await sign({ reportId: 'r-1', people: 11 }, operator.privateKey))).rejects.toMatchObject(
      {
        status: 409,
      },
    );
  });

  it('is unavailable for as many submissions as it is told to fail, then accepts', async () => {
    const portal = sut();
    portal.failNext(2);
    const jws = await sign({ reportId: 'r-2' }, operator.privateKey);
    await expect(portal.submit(jws)).rejects.toBeInstanceOf(PortalRefusal);
    await expect(portal.submit(jws)).rejects.toMatchObject({ status: 503 });
    await expect(portal.submit(jws)).resolves.toMatchObject({ created: true });
  });
});
