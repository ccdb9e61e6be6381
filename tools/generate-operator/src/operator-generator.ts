import { AssetRecord, ASSETS } from './assets';
import { emailFor, personName } from './names';
import { cnicFor, msisdnFor, REGIONS, RegionName, regionTable } from './pakistan';
import { SeededRandom, WeightedTable } from './prng';

export type LineTypeName = 'CONSUMER' | 'CORPORATE' | 'MACHINE_TO_MACHINE';
export type AccountStatusName = 'ACTIVE' | 'SUSPENDED' | 'FORMER';
export type LanguageCode = 'ur' | 'en';

/** A row of subscribers.csv, plus what the generator knows about it (for counts and tests). */
export interface SubscriberRecord {
  subscriberId: string;
  /** `35202-1234567-1` */
  cnic: string;
  name: string;
  /** E.164 */
  msisdn: string;
  email: string | null;
  language: LanguageCode;
  region: RegionName;
  lineType: LineTypeName;
  accountStatus: AccountStatusName;
  personIndex: number;
  /** The number belonged to a former customer of another person before. */
  recycled: boolean;
  urduScriptName: boolean;
}

/** A row of holdings.csv; timestamps are ISO-8601 (a date means 00:00 UTC). */
export interface HoldingRecord {
  assetId: string;
  subscriberId: string;
  region: RegionName;
  recordsFrom: string;
  recordsTo: string | null;
}

export interface OperatorOptions {
  subscribers: number;
  seed: number;
}

/** Receives rows in a deterministic order; return a promise to apply backpressure (e.g. a full file stream). */
export interface OperatorSink {
  asset(record: AssetRecord): void | Promise<void>;
  subscriber(record: SubscriberRecord): void | Promise<void>;
  holding(record: HoldingRecord): void | Promise<void>;
}

export interface GenerationCounts {
  persons: number;
  subscribers: number;
  /** Persons with two or three SIMs. */
  multiSimPersons: number;
  recycledNumbers: number;
  withEmail: number;
  urduScriptNames: number;
  byRegion: Record<RegionName, number>;
  byLanguage: Record<LanguageCode, number>;
  byLineType: Record<LineTypeName, number>;
  byStatus: Record<AccountStatusName, number>;
  holdings: Record<string, number>;
  holdingsTotal: number;
}

// Shares the brief asks for; the unit spec checks them on 20,000 subscribers.
const SIMS_PER_PERSON = new WeightedTable<number>([
  [1, 92],
  [2, 6],
  [3, 2],
]);
const LINE_TYPES = new WeightedTable<LineTypeName>([
  ['CONSUMER', 97],
  ['CORPORATE', 2],
  ['MACHINE_TO_MACHINE', 1],
]);
const STATUSES = new WeightedTable<AccountStatusName>([
  ['ACTIVE', 93.5],
  ['SUSPENDED', 1.5],
  ['FORMER', 5],
]);
const URDU_SPEAKERS = 0.6;
/** Share of Urdu speakers whose name the CRM holds in Urdu script. */
const URDU_SCRIPT_NAMES = 0.35;
const EMAIL_SHARE = 0.3;
const FEMALE_SHARE = 0.48;
const RECYCLED_SHARE = 0.01;

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const FIRST_ACTIVATION = dayOf('2008-01-01');
const LAST_ACTIVATION = dayOf('2025-06-30');
const LAST_DAY = dayOf('2025-12-31');
const Q1_FIRST = dayOf('2023-01-01');
const Q1_LAST = dayOf('2023-03-31');
const BIOMETRIC_FIRST = dayOf('2015-01-01');
const Q1_FROM = '2023-01-01T00:00:00Z';
const Q1_TO = '2023-03-31T23:59:59Z';
/** PTA-style quarantine: a number rests at least this long before it is given to someone else. */
const RECYCLE_QUARANTINE_DAYS = 180;
const FORMER_POOL_LIMIT = 100_000;

/** Holding rules per asset: who has records there and from when. */
interface HoldingRule {
  assetId: string;
  applies: (random: SeededRandom, subscriber: SubscriberRecord, life: Lifetime) => boolean;
  /** Defaults to activation .. deactivation (open while active). */
  range?: (random: SeededRandom, life: Lifetime) => [from: string, to: string | null];
}

interface Lifetime {
  activated: number;
  deactivated: number | null;
}

const isoDayCache = new Map<number, string>();
function isoDay(day: number): string {
  let iso = isoDayCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDayCache.set(day, iso);
  }
  return iso;
}

const lifeRange = (life: Lifetime): [string, string | null] => [
  isoDay(life.activated),
  life.deactivated === null ? null : isoDay(life.deactivated),
];

/** Starts some days into the subscription (a wallet or app account is opened later), ends with it. */
const laterStart = (notBefore: string, maxDelayDays: number) => {
  const firstDay = dayOf(notBefore);
  return (random: SeededRandom, life: Lifetime): [string, string | null] => {
    const end = life.deactivated ?? LAST_DAY;
    const start = Math.min(end, Math.max(life.activated, firstDay) + random.int(maxDelayDays));
    return [isoDay(start), life.deactivated === null ? null : isoDay(life.deactivated)];
  };
};

const activeInQ1 = (life: Lifetime) =>
  life.activated <= Q1_LAST && (life.deactivated === null || life.deactivated >= Q1_FIRST);

/** Records of a quarter: clipped to the subscription when it started or ended inside it. */
const q1Range = (_random: SeededRandom, life: Lifetime): [string, string | null] => [
  life.activated > Q1_FIRST ? isoDay(life.activated) : Q1_FROM,
  life.deactivated !== null && life.deactivated < Q1_LAST ? isoDay(life.deactivated) : Q1_TO,
];

const HOLDING_RULES: readonly HoldingRule[] = [
  { assetId: 'crm.subscribers', applies: () => true },
  { assetId: 'billing.invoices', applies: (random) => random.chance(0.7) },
  {
    assetId: 'billing.payment_methods',
    applies: (random, s) => s.lineType !== 'MACHINE_TO_MACHINE' && random.chance(0.3),
    range: laterStart('2010-01-01', 365),
  },
  {
    assetId: 'cdr.voice_2023q1',
    applies: (random, s, life) => s.lineType !== 'MACHINE_TO_MACHINE' && activeInQ1(life) && random.chance(0.95),
    range: q1Range,
  },
  {
    assetId: 'cdr.data_2023q1',
    applies: (random, _s, life) => activeInQ1(life) && random.chance(0.8),
    range: q1Range,
  },
  {
    assetId: 'wallet.accounts',
    applies: (random, s) => s.lineType === 'CONSUMER' && random.chance(0.26),
    range: laterStart('2012-01-01', 720),
  },
  {
    assetId: 'selfcare.credentials',
    applies: (random, s) => s.lineType !== 'MACHINE_TO_MACHINE' && random.chance(0.41),
    range: laterStart('2014-01-01', 365),
  },
  {
    assetId: 'retail.biometric_verifications',
    applies: (random) => random.chance(0.6),
    // A verification is kept after the subscription ends: open-ended from the day it was taken.
    range: (random, life) => [isoDay(Math.max(life.activated, BIOMETRIC_FIRST) + random.int(30)), null],
  },
  { assetId: 'network.sim_inventory', applies: () => true },
  {
    assetId: 'marketing.leads',
    applies: (random, s) => s.lineType === 'CONSUMER' && random.chance(0.1),
    range: laterStart('2016-01-01', 1000),
  },
];

function emptyCounts(): GenerationCounts {
  const zeros = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  return {
    persons: 0,
    subscribers: 0,
    multiSimPersons: 0,
    recycledNumbers: 0,
    withEmail: 0,
    urduScriptNames: 0,
    byRegion: zeros(REGIONS),
    byLanguage: zeros(['ur', 'en'] as const),
    byLineType: zeros(['CONSUMER', 'CORPORATE', 'MACHINE_TO_MACHINE'] as const),
    byStatus: zeros(['ACTIVE', 'SUSPENDED', 'FORMER'] as const),
    holdings: zeros(ASSETS.map((asset) => asset.assetId)),
    holdingsTotal: 0,
  };
}

interface FormerNumber {
  msisdn: string;
  personIndex: number;
  deactivated: number;
}

/**
 * Generates a synthetic Pakistani operator: the ten assets, then person by person their SIMs (subscribers.csv rows)
 * and each SIM's holdings. Deterministic for a seed; streams through `sink` with constant memory (a bounded pool
 * of former customers' numbers waiting to be recycled), so 10 million subscribers work.
 */
export async function generateOperator(options: OperatorOptions, sink: OperatorSink): Promise<GenerationCounts> {
  if (!Number.isSafeInteger(options.subscribers) || options.subscribers < 0) {
    throw new RangeError('subscribers must be a non-negative integer');
  }
  const random = new SeededRandom(options.seed);
  const cnicOffset = BigInt(random.int(100_000_000));
  const msisdnOffset = BigInt(random.int(500_000_000));
  const counts = emptyCounts();
  const formerNumbers: FormerNumber[] = [];
  let formerHead = 0;
  let freshNumbers = 0;

  for (const asset of ASSETS) await sink.asset(asset);

  for (let personIndex = 0; counts.subscribers < options.subscribers; personIndex++) {
    const region = regionTable.draw(random);
    const female = random.chance(FEMALE_SHARE);
    const language: LanguageCode = random.chance(URDU_SPEAKERS) ? 'ur' : 'en';
    const urduScript = language === 'ur' && random.chance(URDU_SCRIPT_NAMES);
    const name = personName(random, female, region, urduScript);
    const cnic = cnicFor(personIndex, region, female, random, cnicOffset);
    const email = random.chance(EMAIL_SHARE) ? emailFor(random, name, personIndex) : null;
    const sims = Math.min(SIMS_PER_PERSON.draw(random), options.subscribers - counts.subscribers);
    counts.persons++;
    if (sims > 1) counts.multiSimPersons++;
    if (email !== null) counts.withEmail++;
    if (urduScript) counts.urduScriptNames++;

    for (let sim = 0; sim < sims; sim++) {
      const lineType = LINE_TYPES.draw(random);
      let accountStatus = STATUSES.draw(random);
      let activated = FIRST_ACTIVATION + random.int(LAST_ACTIVATION - FIRST_ACTIVATION + 1);
      let msisdn: string | undefined;
      let recycled = false;
      const candidate = formerNumbers[formerHead];
      if (random.chance(RECYCLED_SHARE) && candidate !== undefined && candidate.personIndex !== personIndex) {
        // A new active subscriber gets a former customer's number after quarantine.
        formerHead++;
        msisdn = candidate.msisdn;
        recycled = true;
        accountStatus = 'ACTIVE';
        activated = Math.min(LAST_DAY, candidate.deactivated + RECYCLE_QUARANTINE_DAYS + random.int(540));
      }
      msisdn ??= msisdnFor(freshNumbers++, msisdnOffset);
      const deactivated =
        accountStatus === 'FORMER'
          ? Math.min(LAST_DAY, activated + 30 + random.int(Math.max(1, LAST_DAY - activated)))
          : null;
      if (accountStatus === 'FORMER' && formerNumbers.length - formerHead < FORMER_POOL_LIMIT) {
        formerNumbers.push({ msisdn, personIndex, deactivated: deactivated as number });
      }
      if (formerHead > FORMER_POOL_LIMIT) {
        formerNumbers.splice(0, formerHead);
        formerHead = 0;
      }

      const subscriber: SubscriberRecord = {
        subscriberId: `SUB${String(counts.subscribers + 1).padStart(10, '0')}`,
        cnic,
        name: name.display,
        msisdn,
        email,
        language,
        region,
        lineType,
        accountStatus,
        personIndex,
        recycled,
        urduScriptName: urduScript,
      };
      counts.subscribers++;
      counts.byRegion[region]++;
      counts.byLanguage[language]++;
      counts.byLineType[lineType]++;
      counts.byStatus[accountStatus]++;
      if (recycled) counts.recycledNumbers++;
      const pending = sink.subscriber(subscriber);
      if (pending) await pending;

      const life: Lifetime = { activated, deactivated };
      for (const rule of HOLDING_RULES) {
        if (!rule.applies(random, subscriber, life)) continue;
        const [recordsFrom, recordsTo] = rule.range ? rule.range(random, life) : lifeRange(life);
        counts.holdings[rule.assetId] = (counts.holdings[rule.assetId] ?? 0) + 1;
        counts.holdingsTotal++;
        const held = sink.holding({
          assetId: rule.assetId,
          subscriberId: subscriber.subscriberId,
          region,
          recordsFrom,
          recordsTo,
        });
        if (held) await held;
      }
    }
  }
  return counts;
}
