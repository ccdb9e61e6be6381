import { parseArgs } from 'node:util';
import { IMPORT_KINDS, ImportKind } from '../import/import.service';
import { ScopeListKind } from '../import/row-validation';

export const IMPORT_USAGE = `usage: npm run import -- <kind> <file.csv> [options]

kinds (formats: docs/import-formats.md):
  subscribers   subscriber directory; needs PII_ENCRYPTION_KEYS, PII_ACTIVE_KEY_ID, PII_BLIND_INDEX_KEY
  assets        data inventory
  holdings      which subscriber has records in which asset (import assets and subscribers first)
  scope-list    one subscriber id or MSISDN per line, no header; needs --list-id and --kind

options:
  --database-url URL   default $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/bnp
  --list-id ID         scope-list: the id a breach event will reference
  --kind KIND          scope-list: subscriber-ids | msisdns (MSISDN lists need the PII keys too)
  --rejects FILE       rejected rows report (default <file.csv>.rejects.csv)
  --chunk-rows N       rows per merge transaction (default 500000)
  --workers N          encryption worker threads (default: CPUs - 1)
  --quiet              no progress lines and no rejected rows on stderr (the report file still has them)
  --help

exit codes: 0 the file was processed (even with rejected rows), 1 the import failed, 2 usage error`;

/** A command line that cannot be run; the CLI prints it with the usage and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ImportArgs {
  kind: ImportKind;
  file: string;
  databaseUrl?: string;
  list?: { listId: string; kind: ScopeListKind };
  rejectsFile?: string;
  chunkRows?: number;
  workers?: number;
  quiet: boolean;
}

const LIST_KINDS: readonly ScopeListKind[] = ['subscriber-ids', 'msisdns'];
const LIST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** @returns undefined when help was asked for. @throws UsageError */
export function parseImportArgs(argv: readonly string[]): ImportArgs | undefined {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [kind, file, ...extra] = positionals;
  if (kind === undefined) throw new UsageError('missing <kind>');
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown kind '${kind}'; expected one of ${IMPORT_KINDS.join(', ')}`);
  }
  if (file === undefined) throw new UsageError('missing <file.csv>');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const args: ImportArgs = {
    kind: kind as ImportKind,
    file,
    quiet: values.quiet ?? false,
    databaseUrl: values['database-url'],
    rejectsFile: values.rejects,
    chunkRows: positiveInt('--chunk-rows', values['chunk-rows']),
    workers: positiveInt('--workers', values.workers),
  };
  if (args.kind === 'scope-list') {
    const listId = values['list-id'];
    const listKind = values.kind;
    if (listId === undefined || listKind === undefined) throw new UsageError('scope-list needs --list-id and --kind');
    if (!LIST_ID.test(listId)) {
      throw new UsageError('--list-id must be 1-128 letters, digits or . _ : - (starting with a letter or digit)');
    }
    if (!(LIST_KINDS as readonly string[]).includes(listKind)) {
      throw new UsageError(`--kind must be one of ${LIST_KINDS.join(', ')}`);
    }
    args.list = { listId, kind: listKind as ScopeListKind };
  } else if (values['list-id'] !== undefined || values.kind !== undefined) {
    throw new UsageError('--list-id and --kind only apply to scope-list');
  }
  return args;
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'database-url': { type: 'string' },
      'list-id': { type: 'string' },
      kind: { type: 'string' },
      rejects: { type: 'string' },
      'chunk-rows': { type: 'string' },
      workers: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function positiveInt(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${option} must be a positive integer`);
  }
  return number;
}
