// Turns bench/results/*.json into one markdown table (bench/results/summary.md), ratios first.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_RESULTS_DIR } from './lib/bench-env';

const dir = BENCH_RESULTS_DIR;
const rows: string[] = [];
for (const file of existsSync(dir)
  ? readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
  : []) {
  const result = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  const text = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  const { benchmark, measured_at: measuredAt, note, ...figures } = result;
  const shown = Object.entries(figures)
    .map(([key, value]) => `${key}: ${text(value)}`)
    .join('<br>');
  rows.push(`| ${text(benchmark ?? file)} | ${shown} | ${text(measuredAt)} | ${text(note)} |`);
}
const table = ['| benchmark | figures | measured at | what the ratio compares |', '|---|---|---|---|', ...rows].join(
  '\n',
);
writeFileSync(join(dir, 'summary.md'), `# Benchmark results\n\n${table}\n`);
console.log(table);
