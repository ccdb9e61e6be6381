// Inspect and re-drive what was set aside: a consumer group's dead-letter topic, or a service's parked outbox rows.
//   npm run dlt -- list --group breach-intake
//   npm run dlt -- redrive --group breach-intake [--code REVISION_CONFLICT] [--dry-run]
//   npm run dlt -- outbox-list --schema intake
//   npm run dlt -- outbox-redrive --schema intake [--topic incident.revisions.v1] [--id 42 --id 43]
// Dead-letter values are sealed (ADR 0015): listing shows headers only; a re-driven value goes back sealed to the
// group's first retry tier, and only the group's own consumer, which holds the key, opens it.
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { DeadLetterRedriver, OutboxParking, createKafka } from '@bnp/messaging';
import { databaseConfigShape, kafkaConfigShape, loadConfig } from '@bnp/config';

const USAGE = [
  'usage: npm run dlt -- list|redrive --group <consumer-group> [--code <ERROR_CODE>] [--dry-run]',
  '       npm run dlt -- outbox-list|outbox-redrive --schema <service schema> [--topic <topic>] [--id <row id>]...',
].join('\n');

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      group: { type: 'string' },
      code: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      schema: { type: 'string' },
      topic: { type: 'string' },
      id: { type: 'string', multiple: true },
    },
  });
  const command = positionals[0];
  if (command === 'outbox-list' || command === 'outbox-redrive') {
    if (!values.schema) throw new Error(USAGE);
    return outbox(command, values.schema, values.topic, values.id);
  }
  if (!values.group || (command !== 'list' && command !== 'redrive')) throw new Error(USAGE);
  const redriver = new DeadLetterRedriver(createKafka(loadConfig(kafkaConfigShape), 'bnp-dlt'));
  if (command === 'list') {
    const entries = await redriver.list(values.group);
    for (const entry of entries) {
      console.log(
        [entry.partition, entry.offset, entry.failedAt, entry.originalTopic, entry.errorCode, entry.errorReason].join(
          '\t',
        ),
      );
    }
    console.log(`${entries.length} dead-lettered message(s)`);
    return;
  }
  const result = await redriver.redrive({ groupId: values.group, errorCode: values.code, dryRun: values['dry-run'] });
  console.log(`${values['dry-run'] ? 'would re-drive' : 're-drove'} ${result.redriven}, skipped ${result.skipped}`);
}

async function outbox(command: string, schema: string, topic?: string, ids?: string[]): Promise<void> {
  const pool = new Pool({ connectionString: loadConfig(databaseConfigShape).DATABASE_URL, max: 1 });
  try {
    const parking = new OutboxParking(pool, schema);
    if (command === 'outbox-list') {
      const rows = await parking.list();
      for (const row of rows) {
        console.log([row.id, row.parkedAt.toISOString(), row.topic, row.attempts, row.bytes, row.reason].join('\t'));
      }
      console.log(`${rows.length} parked outbox row(s) in ${schema}`);
      return;
    }
    console.log(`re-drove ${await parking.redrive({ topic, ids })} parked outbox row(s) of ${schema}`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
