import { DomainException } from '@bnp/errors';
import pino from 'pino';
import { ClosureReason, LineType, Region } from '@bnp/contracts';
import { AccountStatus } from '../directory/directory.enums';
import type { ChunkResult } from '../import/import-pipeline';
import { RejectCode } from '../import/row-validation';
import type { InventoryChange } from './inventory-change';
import { InventoryErrorCode } from './inventory.exception';
import type { InventoryRepository, InventoryTransaction, VersionClaim } from './inventory.repository';
import { InventoryService } from './inventory.service';

const merged = (rejects: ChunkResult['rejects'] = []): ChunkResult => ({
  inserted: 1,
  updated: 0,
  unchanged: 0,
  rejects,
});

function subscriberUpserted(): InventoryChange {
  return {
    eventId: 'evt-1',
    occurredAt: '2026-11-30T08:15:00.000000Z',
    source: 'bss',
    kind: 'subscriber-upserted',
    subscriber: {
      subscriberId: 'S1',
      cnic: '3520212345671',
      name: 'Ayesha Siddiqui',
      msisdn: '+923001234567',
      email: null,
      language: 'ur',
      region: Region.PUNJAB,
      lineType: LineType.CONSUMER,
      accountStatus: AccountStatus.Active,
    },
  };
}

/** A transaction that records what the service asked of it; every claim succeeds unless told otherwise. */
function fakeTransaction(overrides: Partial<Record<keyof InventoryTransaction, jest.Mock>> = {}) {
  return {
    holdOffImport: jest.fn().mockResolvedValue(true),
    claim: jest.fn<Promise<VersionClaim>, unknown[]>().mockResolvedValue('claimed'),
    claimPerson: jest.fn<Promise<VersionClaim>, unknown[]>().mockResolvedValue('claimed'),
    upsertSubscriber: jest.fn().mockResolvedValue(merged()),
    closeSubscriber: jest.fn().mockResolvedValue('closed'),
    upsertHolding: jest.fn().mockResolvedValue(merged()),
    removeHolding: jest.fn().mockResolvedValue(true),
    upsertAsset: jest.fn().mockResolvedValue(merged()),
    ...overrides,
  };
}

function setup(tx: ReturnType<typeof fakeTransaction>) {
  const repository = {
    inTransaction: <T>(work: (tx: InventoryTransaction) => Promise<T>) => work(tx as unknown as InventoryTransaction),
  } as unknown as InventoryRepository;
  return new InventoryService(repository, pino({ level: 'silent' }));
}

async function refusal(promise: Promise<unknown>): Promise<InventoryErrorCode> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (DomainException.is(error, InventoryErrorCode)) return error.code;
  throw new Error(`expected an InventoryException, got ${String(error)}`);
}

describe(InventoryService.name, () => {
  it('writes a subscriber that is the newest change of itself and of its person', async () => {
    const tx = fakeTransaction();
    const sut = setup(tx);
    await expect(sut.apply(subscriberUpserted())).resolves.toBe('applied');
    expect(tx.claim).toHaveBeenCalledWith('subscriber', 'S1', expect.objectContaining({ eventId: 'evt-1' }));
    expect(tx.upsertSubscriber).toHaveBeenCalledWith(expect.objectContaining({ subscriberId: 'S1' }), false);
  });

  it('keeps the stored person when another of its SIMs changed it later', async () => {
    const tx = fakeTransaction({ claimPerson: jest.fn().mockResolvedValue('stale') });
    await setup(tx).apply(subscriberUpserted());
    expect(tx.upsertSubscriber).toHaveBeenCalledWith(expect.anything(), true);
  });

  it.each<VersionClaim>(['duplicate', 'stale'])('writes nothing for a %s change', async (claim) => {
    const tx = fakeTransaction({ claim: jest.fn().mockResolvedValue(claim) });
    await expect(setup(tx).apply(subscriberUpserted())).resolves.toBe(claim);
    expect(tx.claimPerson).not.toHaveBeenCalled();
    expect(tx.upsertSubscriber).not.toHaveBeenCalled();
  });

  it('refuses a change the merge rejected, with the reject as reason code', async () => {
    const rejects = [
      {
        line: 1,
        key: 'S1',
        problems: [{ field: 'msisdn', code: RejectCode.NumberInUse, message: 'is held by current subscriber S9' }],
      },
    ];
    const tx = fakeTransaction({ upsertSubscriber: jest.fn().mockResolvedValue(merged(rejects)) });
    expect(await refusal(setup(tx).apply(subscriberUpserted()))).toBe(InventoryErrorCode.NumberInUse);
  });

  it('waits for a running import before claiming anything', async () => {
    const tx = fakeTransaction({ holdOffImport: jest.fn().mockResolvedValue(false) });
    expect(await refusal(setup(tx).apply(subscriberUpserted()))).toBe(InventoryErrorCode.ImportRunning);
    expect(tx.claim).not.toHaveBeenCalled();
  });

  it('refuses to close a subscriber the directory does not have', async () => {
    const tx = fakeTransaction({ closeSubscriber: jest.fn().mockResolvedValue('unknown') });
    const change: InventoryChange = {
      eventId: 'evt-2',
      occurredAt: '2026-11-30T08:15:00.000000Z',
      source: 'bss',
      kind: 'subscriber-closed',
      subscriberId: 'S1',
      reason: ClosureReason.ACCOUNT_CLOSED,
    };
    expect(await refusal(setup(tx).apply(change))).toBe(InventoryErrorCode.UnknownSubscriber);
  });

  it('versions a holding by asset and subscriber, and removing one that is not there is done', async () => {
    const tx = fakeTransaction({ removeHolding: jest.fn().mockResolvedValue(false) });
    const change: InventoryChange = {
      eventId: 'evt-3',
      occurredAt: '2026-11-30T08:15:00.000000Z',
      source: 'bss',
      kind: 'holding-removed',
      assetId: 'crm.subscribers',
      subscriberId: 'S1',
    };
    await expect(setup(tx).apply(change)).resolves.toBe('applied');
    expect(tx.claim).toHaveBeenCalledWith('holding', 'crm.subscribers|S1', expect.anything());
  });
});
