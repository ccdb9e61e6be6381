// Mints activation codes with fraud-guard's own minting function and reports collisions and time,
// beside a reference in the same run: crypto.randomBytes(7) per code (56 random bits, at least the
// same entropy) with no encoding. Also times the keyed hash stored per code.
// usage: node -r @swc-node/register bench/codes.ts [--count 1000000]
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_RESULTS_DIR } from './lib/bench-env';
import { ActivationCodeMinter, CODE_BITS, SecretHasher } from '@bnp/fraud-guard/src/activation/activation-code';

function argument(name: string, fallback: number): number {
  const index = process.argv.lastIndexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function timed<T>(work: () => T): { result: T; seconds: number } {
  const started = performance.now();
  const result = work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

function main(): void {
  const count = argument('count', 1_000_000);
  const minter = new ActivationCodeMinter();
  const hasher = new SecretHasher(randomBytes(32));

  const minted = timed(() => {
    const bodies = new Set<string>();
    let collisions = 0;
    for (let index = 0; index < count; index++) {
      const { body } = minter.mint();
      if (bodies.has(body)) collisions++;
      else bodies.add(body);
    }
    return { collisions, distinct: bodies.size };
  });

  const reference = timed(() => {
    const values = new Set<string>();
    let collisions = 0;
    for (let index = 0; index < count; index++) {
      const value = randomBytes(7).toString('latin1');
      if (values.has(value)) collisions++;
      else values.add(value);
    }
    return { collisions };
  });

  const hashed = timed(() => {
    let last = '';
    for (let index = 0; index < count; index++) last = hasher.activationCode(minter.mint().body);
    return last.length;
  });
  const referenceHash = timed(() => {
    const key = randomBytes(32);
    let last = '';
    for (let index = 0; index < count; index++) last = createHmac('sha256', key).update(randomBytes(7)).digest('hex');
    return last.length;
  });

  // Birthday bound: the expected number of colliding pairs among `count` uniform 50-bit codes.
  const expectedCollisions = (count * (count - 1)) / 2 / 2 ** CODE_BITS;
  const results = {
    count,
    code_bits: CODE_BITS,
    collisions: minted.result.collisions,
    distinct: minted.result.distinct,
    expected_collisions: Number(expectedCollisions.toExponential(3)),
    seconds: round(minted.seconds),
    codes_per_second: Math.round(count / minted.seconds),
    reference_random_bytes_seconds: round(reference.seconds),
    reference_collisions: reference.result.collisions,
    ratio: round(minted.seconds / reference.seconds),
    mint_and_hash_seconds: round(hashed.seconds),
    reference_random_bytes_and_hmac_seconds: round(referenceHash.seconds),
    hash_ratio: round(hashed.seconds / referenceHash.seconds),
    node: process.version,
    measured_at: new Date().toISOString(),
  };
  const directory = BENCH_RESULTS_DIR;
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'codes.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  if (results.collisions > 0) process.exitCode = 1;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

main();
