// What `npm run demo` will run and about how long it takes, from the operator's size. `scripts/demo.sh` runs
// this first, so the estimate is on screen before the stack starts; `scripts/demo.ts` reads its options here.
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The default operator: large enough that both revisions exceed the release gate's 10,000 people (about
 * 13,200 people of 50,000 subscribers live in Sindh and Balochistan; revision 2 tells 11,403 of them), small
 * enough for about 4.5 minutes on an idle 2-core machine.
 */
export const DEFAULT_SUBSCRIBERS = 50_000;

export interface DemoOptions {
  subscribers: number;
  timeoutSeconds: number;
  /** Waits for and summarises an incident an interrupted run started, instead of a new one. */
  report?: string;
}

export function parseDemoOptions(args: string[]): DemoOptions {
  const { values } = parseArgs({
    args,
    options: {
      subscribers: { type: 'string', default: String(DEFAULT_SUBSCRIBERS) },
      timeout: { type: 'string', default: '3600' },
      report: { type: 'string' },
    },
  });
  const subscribers = Number(values.subscribers);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isSafeInteger(subscribers) || subscribers < 1) {
    throw new Error(`--subscribers must be a positive integer, not '${values.subscribers}'`);
  }
  if (!(timeoutSeconds > 0)) throw new Error(`--timeout must be a positive number of seconds, not '${values.timeout}'`);
  return { subscribers, timeoutSeconds, report: values.report };
}

/** Where the generated operator of a size is kept between runs. */
export function operatorDir(root: string, subscribers: number): string {
  return join(root, '.cache', 'demo', String(subscribers));
}

export interface DemoEstimate {
  stack: number;
  generate: number;
  import: number;
  revisions: number;
  notices: number;
  total: number;
}

/**
 * Seconds per stage on an otherwise idle 2-core development machine. Import, revisions and notices per
 * subscriber are the 200,000-subscriber run of 2026-12-02 (bench/HISTORY.md); notices dominate (both revisions,
 * enrollment, the SMS sender's 500 segments a second, delivery reports). The stack's start and the fixed
 * costs are rounded from the 50,000-subscriber runs of 2026-12-07 on a busy machine.
 */
export function estimateDemo(subscribers: number, operatorCached: boolean): DemoEstimate {
  const perThousand = (seconds: number) => (seconds * subscribers) / 1000;
  const stack = 40;
  const generate = operatorCached ? 0 : 1 + perThousand(0.015);
  const importSeconds = perThousand(0.31) + (operatorCached ? 0 : perThousand(0.15));
  const revisions = 3 + perThousand(0.09);
  const notices = 10 + perThousand(3.76);
  return {
    stack,
    generate,
    import: importSeconds,
    revisions,
    notices,
    total: stack + generate + importSeconds + revisions + notices,
  };
}

/**
 * The estimate holds for an otherwise idle machine; other work on it (other engineers' tests and builds) makes
 * every stage slower: at a load average of 20-26 the default run took 6 minutes, at 30-40 it took 10.
 */
export function busyNote(loadAverage: number, cores: number): string {
  return loadAverage > 2 * cores
    ? ` The machine is busy (load average ${loadAverage.toFixed(0)} on ${cores} cores): expect longer.`
    : '';
}

export function formatMinutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
}

function main(): void {
  const options = parseDemoOptions(process.argv.slice(2));
  if (options.report) {
    console.log(`[bnp] demo: waiting for incident ${options.report} to settle (at most ${options.timeoutSeconds} s)`);
    return;
  }
  const cached = existsSync(join(operatorDir(join(__dirname, '..'), options.subscribers), 'holdings.csv'));
  const e = estimateDemo(options.subscribers, cached);
  console.log(
    `[bnp] demo: an operator of ${options.subscribers.toLocaleString('en')} subscribers` +
      `${options.subscribers === DEFAULT_SUBSCRIBERS ? ' (--subscribers 200000 for the full show)' : ''}; ` +
      `about ${formatMinutes(e.total)} on an idle 2-core machine: stack ${formatMinutes(e.stack)}, ` +
      `${cached ? '' : `generate ${formatMinutes(e.generate)}, `}import ${formatMinutes(e.import)}, ` +
      `two revisions and the gate ${formatMinutes(e.revisions)}, notices and protection ${formatMinutes(e.notices)}.` +
      busyNote(loadavg()[0] ?? 0, availableParallelism()),
  );
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`[bnp] demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
