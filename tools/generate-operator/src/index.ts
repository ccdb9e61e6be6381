export { ASSETS } from './assets';
export type { AssetRecord } from './assets';
export { generateOperator } from './operator-generator';
export type {
  AccountStatusName,
  GenerationCounts,
  HoldingRecord,
  LanguageCode,
  LineTypeName,
  OperatorOptions,
  OperatorSink,
  SubscriberRecord,
} from './operator-generator';
export {
  ASSETS_HEADER,
  CsvFileSink,
  HOLDINGS_HEADER,
  SUBSCRIBERS_HEADER,
  assetCsvLine,
  holdingCsvLine,
  subscriberCsvLine,
} from './csv-sink';
export { REGIONS, REGION_WEIGHTS } from './pakistan';
export type { RegionName } from './pakistan';
export { SeededRandom, WeightedTable } from './prng';
