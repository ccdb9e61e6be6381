// Bulk import of the operator's directory and inventory: `npm run import -- <kind> <file.csv> [options]`.
// Formats: docs/import-formats.md. Design: docs/adr/0008-bulk-import.md.
import { stat } from 'node:fs/promises';
import { ConfigValidationError } from '@bnp/config';
import { DomainException } from '@bnp/errors';
import { redactPiiInText } from '@bnp/pii';
import { ImportErrorCode } from '../import/import.exception';
import { DirectoryImportService, ImportSummary } from '../import/import.service';
import { IMPORT_USAGE, ImportArgs, parseImportArgs, UsageError } from './import-args';
import { loadImportDatabaseUrl, loadImportKeys } from './import-config';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export async function runImportCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: ImportArgs | undefined;
  try {
    args = parseImportArgs(argv);
    if (args && !(await isFile(args.file))) throw new UsageError(`${args.file} is not a readable file`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`import: ${error.message}\n\n${IMPORT_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (!args) {
    process.stdout.write(`${IMPORT_USAGE}\n`);
    return EXIT_OK;
  }
  try {
    const needsKeys = args.kind === 'subscribers' || args.list?.kind === 'msisdns';
    const quiet = args.quiet;
    const service = new DirectoryImportService({
      databaseUrl: args.databaseUrl ?? loadImportDatabaseUrl(env),
      keys: needsKeys ? loadImportKeys(env) : undefined,
      workers: args.workers,
      log: (line) => {
        if (!quiet) process.stderr.write(`${line}\n`);
      },
    });
    const summary = await service.import({
      kind: args.kind,
      file: args.file,
      list: args.list,
      rejectsFile: args.rejectsFile,
      chunkRows: args.chunkRows,
    });
    process.stdout.write(formatSummary(summary));
    return EXIT_OK;
  } catch (error) {
    const known = DomainException.is(error, ImportErrorCode) || error instanceof ConfigValidationError;
    // Database errors can quote row values; only ids and blind indexes should be there, but mask anything PII-like.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`import failed${known ? '' : ' unexpectedly'}: ${redactPiiInText(message)}\n`);
    return EXIT_FAILED;
  }
}

export function formatSummary(summary: ImportSummary): string {
  const n = (value: number) => value.toLocaleString('en');
  const lines: [string, string][] = [];
  const list = summary.scopeList;
  if (list) {
    lines.push(['list id', list.listId], ['sha256', list.sha256], ['kind', list.kind]);
    lines.push([
      'entries',
      `${n(list.entries)}${list.alreadyImported ? ' (already imported from this file: nothing changed)' : ''}`,
    ]);
    if (!list.alreadyImported) {
      lines.push(['duplicate lines', n(list.duplicates)], ['not in directory', n(list.notInDirectory)]);
    }
  }
  lines.push(['rows read', n(summary.rowsRead)]);
  if (!list) {
    lines.push(['inserted', n(summary.inserted)], ['updated', n(summary.updated)], ['unchanged', n(summary.unchanged)]);
  }
  lines.push(['rejected', `${n(summary.rejected)}${summary.rejectsFile ? ` (see ${summary.rejectsFile})` : ''}`]);
  if (summary.persons) {
    lines.push(['persons', `${n(summary.persons.inserted)} new, ${n(summary.persons.updated)} rewritten`]);
  }
  lines.push(['time', `${summary.seconds.toFixed(1)} s (${n(Math.round(summary.rowsPerSecond))} rows/s)`]);
  return `${summary.kind}: ${summary.file}\n${lines.map(([label, value]) => `  ${label.padEnd(17)} ${value}`).join('\n')}\n`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

if (require.main === module) {
  runImportCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`import failed unexpectedly: ${redactPiiInText(String(error))}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}
