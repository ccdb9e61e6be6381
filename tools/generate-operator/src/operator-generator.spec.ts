import { isValidEmail, normalizeCnic, normalizeMsisdn } from '@bnp/pii';
import { AssetRecord, ASSETS } from './assets';
import { holdingCsvLine, subscriberCsvLine } from './csv-sink';
import {
  generateOperator,
  GenerationCounts,
  HoldingRecord,
  OperatorSink,
  SubscriberRecord,
} from './operator-generator';
import { REGION_WEIGHTS } from './pakistan';

class MemorySink implements OperatorSink {
  readonly assets: AssetRecord[] = [];
  readonly subscribers: SubscriberRecord[] = [];
  readonly holdings: HoldingRecord[] = [];
  asset(record: AssetRecord): void {
    this.assets.push(record);
  }
  subscriber(record: SubscriberRecord): void {
    this.subscribers.push(record);
  }
  holding(record: HoldingRecord): void {
    this.holdings.push(record);
  }
}

async function generate(subscribers: number, seed: number): Promise<{ sink: MemorySink; counts: GenerationCounts }> {
  const sink = new MemorySink();
  const counts = await generateOperator({ subscribers, seed }, sink);
  return { sink, counts };
}

const csvOf = (sink: MemorySink) =>
  sink.subscribers.map(subscriberCsvLine).join('') + sink.holdings.map(holdingCsvLine).join('');

describe(generateOperator.name, () => {
  let sut: { sink: MemorySink; counts: GenerationCounts };

  beforeAll(async () => {
    sut = await generate(20_000, 7);
  });

  it('produces byte-identical output for a seed and different output for another seed', async () => {
    const first = csvOf((await generate(3000, 42)).sink);
    const again = csvOf((await generate(3000, 42)).sink);
    const other = csvOf((await generate(3000, 43)).sink);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('writes exactly the requested number of subscribers, the ten assets and consistent counts', () => {
    const { sink, counts } = sut;
    expect(sink.subscribers).toHaveLength(20_000);
    expect(counts.subscribers).toBe(20_000);
    expect(sink.assets.map((asset) => asset.assetId)).toEqual(ASSETS.map((asset) => asset.assetId));
    expect(sink.assets).toHaveLength(10);
    expect(sink.holdings).toHaveLength(counts.holdingsTotal);
    expect(new Set(sink.subscribers.map((s) => s.subscriberId)).size).toBe(20_000);
  });

  // Loops collect violations and assert once: 100,000 jest expectations would take a minute.
  it('writes only CNICs, MSISDNs and emails the platform accepts', () => {
    const invalid = sut.sink.subscribers.filter((s) => {
      const prefix = Number(s.msisdn.slice(3, 6));
      return (
        !/^[1-7]\d{4}-\d{7}-\d$/.test(s.cnic) ||
        normalizeCnic(s.cnic) !== s.cnic.replace(/-/g, '') ||
        normalizeMsisdn(s.msisdn) !== s.msisdn ||
        prefix < 300 ||
        prefix > 349 ||
        (s.email !== null && !isValidEmail(s.email))
      );
    });
    expect(invalid).toEqual([]);
  });

  it('gives every person one CNIC of their own, shared by all their SIMs', () => {
    const cnicByPerson = new Map<number, string>();
    const personByCnic = new Map<string, number>();
    const conflicts: SubscriberRecord[] = [];
    for (const s of sut.sink.subscribers) {
      if ((cnicByPerson.get(s.personIndex) ?? s.cnic) !== s.cnic) conflicts.push(s);
      if ((personByCnic.get(s.cnic) ?? s.personIndex) !== s.personIndex) conflicts.push(s);
      cnicByPerson.set(s.personIndex, s.cnic);
      personByCnic.set(s.cnic, s.personIndex);
    }
    expect(conflicts).toEqual([]);
    expect(cnicByPerson.size).toBe(sut.counts.persons);
  });

  it('never gives one MSISDN to two subscribers that are not FORMER; recycled numbers come from another person', () => {
    const currentHolder = new Map<string, string>();
    const formerHolders = new Map<string, SubscriberRecord[]>();
    const problems: string[] = [];
    for (const s of sut.sink.subscribers) {
      if (s.accountStatus === 'FORMER') {
        formerHolders.set(s.msisdn, [...(formerHolders.get(s.msisdn) ?? []), s]);
        continue;
      }
      const holder = currentHolder.get(s.msisdn);
      if (holder !== undefined) problems.push(`${s.subscriberId} and ${holder} both hold a number`);
      currentHolder.set(s.msisdn, s.subscriberId);
      const previous = formerHolders.get(s.msisdn) ?? [];
      if (s.recycled && (previous.length === 0 || previous.some((former) => former.personIndex === s.personIndex))) {
        problems.push(`${s.subscriberId} is recycled but its number had no former holder of another person`);
      }
      if (!s.recycled && previous.length > 0) problems.push(`${s.subscriberId} reuses a number without being recycled`);
    }
    expect(problems).toEqual([]);
    expect(sut.counts.recycledNumbers).toBeGreaterThan(0);
  });

  it('matches the requested proportions on 20,000 subscribers', () => {
    const { counts } = sut;
    const share = (value: number, total = counts.subscribers) => value / total;
    const totalWeight = Object.values(REGION_WEIGHTS).reduce((sum, weight) => sum + weight, 0);
    for (const [region, weight] of Object.entries(REGION_WEIGHTS)) {
      expect(
        Math.abs(share(counts.byRegion[region as keyof typeof REGION_WEIGHTS]) - weight / totalWeight),
      ).toBeLessThan(0.012);
    }
    expect(share(counts.byLanguage.ur)).toBeCloseTo(0.6, 1);
    expect(share(counts.withEmail, counts.persons)).toBeCloseTo(0.3, 1);
    expect(share(counts.multiSimPersons, counts.persons)).toBeGreaterThan(0.065);
    expect(share(counts.multiSimPersons, counts.persons)).toBeLessThan(0.095);
    expect(share(counts.byStatus.FORMER)).toBeGreaterThan(0.04);
    expect(share(counts.byStatus.FORMER)).toBeLessThan(0.06);
    expect(share(counts.recycledNumbers)).toBeGreaterThan(0.006);
    expect(share(counts.recycledNumbers)).toBeLessThan(0.014);
    expect(share(counts.byLineType.CORPORATE)).toBeGreaterThan(0.014);
    expect(share(counts.byLineType.CORPORATE)).toBeLessThan(0.026);
    expect(share(counts.byLineType.MACHINE_TO_MACHINE)).toBeGreaterThan(0.006);
    expect(share(counts.byLineType.MACHINE_TO_MACHINE)).toBeLessThan(0.014);
    expect(counts.urduScriptNames).toBeGreaterThan(0);
    expect(sut.sink.subscribers.some((s) => s.urduScriptName && /[\u0600-\u06ff]/.test(s.name))).toBe(true);
    expect(sut.sink.subscribers.filter((s) => s.urduScriptName).every((s) => s.language === 'ur')).toBe(true);
  });

  it('gives every subscriber CRM and SIM inventory holdings and the other assets at their rates', () => {
    const { counts } = sut;
    const share = (assetId: string) => (counts.holdings[assetId] ?? 0) / counts.subscribers;
    expect(share('crm.subscribers')).toBe(1);
    expect(share('network.sim_inventory')).toBe(1);
    expect(share('billing.invoices')).toBeCloseTo(0.7, 1);
    expect(share('wallet.accounts')).toBeCloseTo(0.25, 1);
    expect(share('selfcare.credentials')).toBeCloseTo(0.4, 1);
    expect(share('retail.biometric_verifications')).toBeCloseTo(0.6, 1);
  });

  it('writes holdings that reference known subscribers and assets, with ranges that do not end before they start', () => {
    const subscribers = new Map(sut.sink.subscribers.map((s) => [s.subscriberId, s]));
    const assets = new Set(ASSETS.map((asset) => asset.assetId));
    const time = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
    const q1 = Date.parse('2023-01-01T00:00:00Z');
    const invalid = sut.sink.holdings.filter((holding) => {
      const from = time(holding.recordsFrom);
      const to = holding.recordsTo === null ? Number.POSITIVE_INFINITY : time(holding.recordsTo);
      const cdr = holding.assetId.startsWith('cdr.');
      return (
        subscribers.get(holding.subscriberId)?.region !== holding.region ||
        !assets.has(holding.assetId) ||
        Number.isNaN(from) ||
        Number.isNaN(to) ||
        to < from ||
        (cdr && (from < q1 || holding.recordsTo === null))
      );
    });
    expect(invalid).toEqual([]);
  });
});
