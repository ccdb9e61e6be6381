import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/** The broker the benchmarks use: KAFKA_BROKERS, as every service and script reads it (scripts/bench.sh sets it from KAFKA_PORT). */
export const BENCH_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export function benchKafka(clientId: string): Kafka {
  return new Kafka({ brokers: BENCH_BROKERS, clientId, logLevel: logLevel.NOTHING });
}

/**
 * The PostgreSQL server and the name every benchmark database starts with: BENCH_DATABASE_URL, else
 * DATABASE_URL, else postgres://postgres@127.0.0.1:5432/bnp_bench. Its database is never used itself
 * (a benchmark drops and re-creates its own): bnp_bench gives bnp_bench_exposure, bnp_bench_fanout, ...
 */
export function benchDatabaseUrl(suffix: string): { url: string; adminUrl: string; name: string } {
  const base = new URL(
    process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bnp_bench',
  );
  const name = `${base.pathname.slice(1) || 'bnp_bench'}_${suffix}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`benchmark database name ${name} is not a plain identifier`);
  const at = (database: string) => Object.assign(new URL(base), { pathname: `/${database}` }).toString();
  return { url: at(name), adminUrl: at('postgres'), name };
}

/** Where results go: bench/results, or BENCH_RESULTS_DIR (npm run bench -- --quick writes bench/results/quick). */
export const BENCH_RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? join(__dirname, '..', 'results');

/** Fails with what a benchmark waited for and what it saw, so a run that cannot finish exits non-zero and says why. */
export class BenchTimeout extends Error {}
