/** The exposure service's PostgreSQL schema: the one place its name is written (migrations excepted). */
export const EXPOSURE_SCHEMA = 'exposure';

const NAMES = [
  'assets',
  'exposure_events',
  'holdings',
  'incidents',
  'inventory_versions',
  'person_exposures',
  'persons',
  'release_approvals',
  'resolution_jobs',
  'revisions',
  'scope_list_entries',
  'scope_lists',
  'subscribers',
] as const;

export type ExposureTable = (typeof NAMES)[number];

/** Each table's qualified, quoted name for SQL: `${TABLES.subscribers}` is `"exposure"."subscribers"`. */
export const TABLES = Object.fromEntries(NAMES.map((table) => [table, `"${EXPOSURE_SCHEMA}"."${table}"`])) as Readonly<
  Record<ExposureTable, string>
>;
