// Synthetic operator for demos and benchmarks:
//   node -r @swc-node/register tools/generate-operator/src/main.ts --subscribers N --out DIR [--seed S]
// writes DIR/subscribers.csv, assets.csv and holdings.csv (docs/import-formats.md), deterministic for a seed.
import { parseArgs } from 'node:util';
import { CsvFileSink } from './csv-sink';
import { GenerationCounts, generateOperator } from './operator-generator';

const USAGE = 'usage: generate-operator --subscribers N --out DIR [--seed S]';

function parseCommandLine(argv: string[]): { subscribers: number; out: string; seed: number } | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { subscribers: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const subscribers = Number(values.subscribers);
  const seed = Number(values.seed ?? '1');
  if (values.subscribers === undefined || !Number.isSafeInteger(subscribers) || subscribers < 0) {
    return '--subscribers must be a non-negative integer';
  }
  if (!values.out) return '--out is required';
  if (!Number.isSafeInteger(seed)) return '--seed must be an integer';
  return { subscribers, out: values.out, seed };
}

function formatCounts(counts: GenerationCounts, seconds: number): string {
  const n = (value: number) => value.toLocaleString('en');
  const pct = (value: number, total: number) => (total === 0 ? '0.0' : ((100 * value) / total).toFixed(1));
  const shares = (record: Record<string, number>, total: number) =>
    Object.entries(record)
      .map(([key, value]) => `${key} ${pct(value, total)}%`)
      .join(', ');
  const s = counts.subscribers;
  return [
    `persons          ${n(counts.persons)} (${pct(counts.multiSimPersons, counts.persons)}% with 2-3 SIMs)`,
    `subscribers      ${n(s)}`,
    `  status         ${shares(counts.byStatus, s)}`,
    `  line type      ${shares(counts.byLineType, s)}`,
    `  region         ${shares(counts.byRegion, s)}`,
    `  language       ${shares(counts.byLanguage, s)}`,
    `  recycled       ${n(counts.recycledNumbers)} numbers (${pct(counts.recycledNumbers, s)}%)`,
    `  email          ${pct(counts.withEmail, counts.persons)}% of persons; Urdu-script names ${n(counts.urduScriptNames)}`,
    `assets           ${Object.keys(counts.holdings).length}`,
    `holdings         ${n(counts.holdingsTotal)}`,
    ...Object.entries(counts.holdings).map(([asset, value]) => `  ${asset.padEnd(32)} ${n(value)}`),
    `time             ${seconds.toFixed(1)} s`,
  ].join('\n');
}

async function main(): Promise<number> {
  const options = parseCommandLine(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(`generate-operator: ${options}\n${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  const sink = await CsvFileSink.open(options.out);
  const counts = await generateOperator({ subscribers: options.subscribers, seed: options.seed }, sink);
  await sink.close();
  process.stdout.write(`${sink.files.join('\n')}\n${formatCounts(counts, (performance.now() - started) / 1000)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`generate-operator failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
