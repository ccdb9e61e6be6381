// Inspect and re-drive a consumer group's dead-letter topic.
//   npm run dlt -- list --group breach-intake
//   npm run dlt -- redrive --group breach-intake [--code REVISION_CONFLICT] [--dry-run]
import { parseArgs } from 'node:util';
import { DeadLetterRedriver, createKafka } from '@bnp/messaging';
import { kafkaConfigShape, loadConfig } from '@bnp/config';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { group: { type: 'string' }, code: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const command = positionals[0];
  if (!values.group || (command !== 'list' && command !== 'redrive')) {
    throw new Error('usage: npm run dlt -- list|redrive --group <consumer-group> [--code <ERROR_CODE>] [--dry-run]');
  }
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
