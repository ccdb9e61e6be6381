// The two hand-written hot-path pieces kept over their libraries (ADR 0017), each timed beside the library it
// replaces, in the same run: the PersonExposed wire encoder against protobuf-es (create + toBinary), and the
// 32-bit murmur2 partitioner hash against kafkajs's own murmur2 (Long emulation). Both pairs give the same
// bytes / hash (person-exposed.encoder.spec.ts, key-partitioner.spec.ts); only the time differs.
// usage: node -r @swc-node/register bench/encoders.ts [--messages 200000] [--keys 2000000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  Channel,
  ExposureChange,
  LineType,
  PersonExposedSchema,
  PiiCategory,
  ProtectiveAction,
  RiskTier,
} from '@bnp/contracts';
import { murmur2 } from '@bnp/messaging';
import { encodePersonExposed, type PersonExposedFields } from '@bnp/exposure/src/resolution/person-exposed.encoder';
import { BENCH_RESULTS_DIR } from './lib/bench-env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** Best of three runs, in microseconds per item: the machine is shared, the best run is the least disturbed. */
function microsPerItem(items: number, work: () => number): { us: number; sink: number } {
  let best = Infinity;
  let sink = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    sink += work();
    best = Math.min(best, performance.now() - started);
  }
  return { us: (best * 1000) / items, sink };
}

function fields(index: number): PersonExposedFields {
  return {
    exposureId: `6f1c2b9e-3a4d-4e5f-8a9b-${String(index).padStart(12, '0')}`,
    incidentId: 'INC-2026-0042',
    revision: 1,
    personId: `0b7e8c1d-2f3a-4b5c-9d6e-${String(index).padStart(12, '0')}`,
    change: ExposureChange.NEW,
    categories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
    newCategories: [PiiCategory.NAME, PiiCategory.CNIC, PiiCategory.MSISDN],
    tier: RiskTier.HIGH,
    policyVersion: 'risk-policy.v1',
    policyRule: 'identity-with-financial',
    channels: [Channel.SMS, Channel.EMAIL],
    actions: [ProtectiveAction.SIM_SWAP_LOCK, ProtectiveAction.PORT_OUT_LOCK],
    subscriptions: [
      {
        subscriberId: `S-${index}`,
        stillHeld: true,
        lineType: LineType.CONSUMER,
        msisdnCiphertext: Buffer.alloc(60, 7),
        msisdnMasked: '+92 300 ***1111',
      },
    ],
    emailCiphertext: Buffer.alloc(80, 9),
    emailMasked: 'a***@e****.pk',
    language: 'ur',
    dryRun: false,
    noticeAlreadySent: false,
    detectedAt: timestampFromDate(new Date('2026-03-04T22:00:00.123Z')),
    occurredTo: timestampFromDate(new Date('2026-03-04T20:00:00Z')),
    jurisdiction: 'PK',
    idempotencyKey: `INC-2026-0042:${index}:1`,
    attackVectors: [],
  };
}

function main(): void {
  const messages = argument('messages', 200_000);
  const keyCount = argument('keys', 2_000_000);
  const inputs = Array.from({ length: 1000 }, (_, index) => fields(index));
  const keys = Array.from({ length: 1000 }, (_, index) => Buffer.from(`0b7e8c1d-2f3a-4b5c-9d6e-${index}`));

  const ours = microsPerItem(messages, () => {
    let bytes = 0;
    for (let i = 0; i < messages; i++) bytes += encodePersonExposed(inputs[i % 1000]!).length;
    return bytes;
  });
  const library = microsPerItem(messages, () => {
    let bytes = 0;
    for (let i = 0; i < messages; i++) {
      bytes += toBinary(PersonExposedSchema, create(PersonExposedSchema, inputs[i % 1000])).length;
    }
    return bytes;
  });
  const hashOurs = microsPerItem(keyCount, () => {
    let sum = 0;
    for (let i = 0; i < keyCount; i++) sum ^= murmur2(keys[i % 1000]!);
    return sum;
  });
  const hashKafkajs = microsPerItem(keyCount, () => {
    let sum = 0;
    for (let i = 0; i < keyCount; i++) sum ^= kafkajsMurmur2(keys[i % 1000]!);
    return sum;
  });

  const result = {
    benchmark: 'encoders',
    measured_at: new Date().toISOString(),
    person_exposed_us_ours: Number(ours.us.toFixed(2)),
    person_exposed_us_protobuf_es: Number(library.us.toFixed(2)),
    person_exposed_ratio: Number((library.us / ours.us).toFixed(1)),
    murmur2_ns_ours: Number((hashOurs.us * 1000).toFixed(0)),
    murmur2_ns_kafkajs: Number((hashKafkajs.us * 1000).toFixed(0)),
    murmur2_ratio: Number((hashKafkajs.us / hashOurs.us).toFixed(1)),
    note: 'library time / ours, same inputs, same run (best of 3); ratio > 1 keeps ours (ADR 0017)',
  };
  const dir = BENCH_RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'encoders.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  if (ours.sink !== library.sink)
    throw new Error(`the encoders wrote different sizes: ${ours.sink} vs ${library.sink}`);
  if (hashOurs.sink !== hashKafkajs.sink) throw new Error('the murmur2 hashes differ');
}

main();
