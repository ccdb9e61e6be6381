import { SeededRandom, WeightedTable } from './prng';

/** Region names as subscribers.csv and holdings.csv spell them (breach.v1.Region without the prefix). */
export const REGIONS = [
  'PUNJAB',
  'SINDH',
  'KHYBER_PAKHTUNKHWA',
  'BALOCHISTAN',
  'ISLAMABAD',
  'GILGIT_BALTISTAN',
  'AZAD_KASHMIR',
] as const;
export type RegionName = (typeof REGIONS)[number];

/** Share of subscribers per region, roughly the population split (2023 census, AJK and GB added). */
export const REGION_WEIGHTS: Record<RegionName, number> = {
  PUNJAB: 53,
  SINDH: 23,
  KHYBER_PAKHTUNKHWA: 14,
  BALOCHISTAN: 6,
  ISLAMABAD: 1,
  GILGIT_BALTISTAN: 1,
  AZAD_KASHMIR: 2,
};

export const regionTable = new WeightedTable(REGIONS.map((region) => [region, REGION_WEIGHTS[region]] as const));

/**
 * First CNIC digit = province of domicile: 1 KP, 2 ex-FATA, 3 Punjab, 4 Sindh, 5 Balochistan, 6 Islamabad,
 * 7 Gilgit-Baltistan. Public descriptions list no code for AJK, so AJK residents get a Punjab or KP domicile here.
 */
const CNIC_PROVINCE_CODES: Record<RegionName, WeightedTable<string>> = {
  PUNJAB: new WeightedTable([['3', 1]]),
  SINDH: new WeightedTable([['4', 1]]),
  KHYBER_PAKHTUNKHWA: new WeightedTable([
    ['1', 85],
    ['2', 15],
  ]),
  BALOCHISTAN: new WeightedTable([['5', 1]]),
  ISLAMABAD: new WeightedTable([['6', 1]]),
  GILGIT_BALTISTAN: new WeightedTable([['7', 1]]),
  AZAD_KASHMIR: new WeightedTable([
    ['3', 70],
    ['1', 30],
  ]),
};

/** People move: this share of subscribers have a domicile (CNIC province) other than the region they live in. */
const MIGRANT_SHARE = 0.1;

const CNIC_SERIAL_SPACE = 100_000_000; // digits 5-12: unique per person
const CNIC_MULTIPLIER = 48_271_519n; // odd and not a multiple of 5: coprime with 10^8, so the map is a bijection

/**
 * A valid-format CNIC (`35202-1234567-1`), unique per person index up to 10^8 persons: digit 1 the province code,
 * digits 2-4 random (division, district, tehsil), digits 5-12 a bijective scramble of the person index, digit 13 the
 * gender (odd for men, even for women).
 */
export function cnicFor(
  personIndex: number,
  region: RegionName,
  female: boolean,
  random: SeededRandom,
  offset: bigint,
): string {
  if (personIndex >= CNIC_SERIAL_SPACE) throw new RangeError('at most 10^8 persons');
  const home = random.chance(MIGRANT_SHARE) ? regionTable.draw(random) : region;
  const province = CNIC_PROVINCE_CODES[home].draw(random);
  const area = String(100 + random.int(900)).slice(0, 3);
  const serial = Number((BigInt(personIndex) * CNIC_MULTIPLIER + offset) % BigInt(CNIC_SERIAL_SPACE));
  const digits = `${province}${area}${String(serial).padStart(8, '0')}`;
  const gender = female ? random.pick([2, 4, 6, 8]) : random.pick([1, 3, 5, 7, 9]);
  return `${digits.slice(0, 5)}-${digits.slice(5, 12)}-${gender}`;
}

/** Mobile network codes 300-349 (Jazz 300-309 and 320-329, Zong 310-318, Ufone 330-337, Telenor 340-349 and more). */
const MSISDN_PREFIXES = Array.from({ length: 50 }, (_, i) => 300 + i);
const MSISDN_LOCAL_SPACE = 10_000_000;
const MSISDN_SPACE = BigInt(MSISDN_PREFIXES.length * MSISDN_LOCAL_SPACE);
const MSISDN_MULTIPLIER = 314_159_269n; // coprime with 5 * 10^8

/** A fresh E.164 MSISDN (`+923001234567`), unique per number index (up to 5 * 10^8). */
export function msisdnFor(numberIndex: number, offset: bigint): string {
  const value = Number((BigInt(numberIndex) * MSISDN_MULTIPLIER + offset) % MSISDN_SPACE);
  const prefix = MSISDN_PREFIXES[Math.floor(value / MSISDN_LOCAL_SPACE)] as number;
  return `+92${prefix}${String(value % MSISDN_LOCAL_SPACE).padStart(7, '0')}`;
}
