// Entry point: node -r @swc-node/register deploy/local/witness/src/main.ts
// PORT (default 4060), WITNESS_KEY (signer key PRIVATE+KEY+<name>+<id>+<base64>), WITNESS_LOGS
// ("<vkey>,<vkey>": the logs it witnesses; each key's name is the log's origin), WITNESS_STATE_FILE.
import { COSIGNATURE_V1_TYPE, ED25519_TYPE, parseSignerKey, parseVerifierKey, verifierKey } from '@bnp/tlog';
import { startWitnessServer } from './server';
import { FileWitnessState } from './state-file';
import { Witness } from './witness';

function fail(message: string): never {
  console.error(message);
  process.exit(78); // EX_CONFIG
}

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? '4060');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORT must be a port number');
  let key;
  try {
    key = parseSignerKey(process.env['WITNESS_KEY'] ?? '');
  } catch {
    fail('WITNESS_KEY must be a signer key (PRIVATE+KEY+<name>+<id>+<base64>)');
  }
  const logs = new Map();
  for (const vkey of (process.env['WITNESS_LOGS'] ?? '').split(',').filter(Boolean)) {
    try {
      const log = parseVerifierKey(vkey);
      if (log.type !== ED25519_TYPE) throw new Error('not Ed25519');
      logs.set(log.name, log);
    } catch {
      fail('WITNESS_LOGS must list the logs’ Ed25519 verifier keys, comma-separated');
    }
  }
  if (logs.size === 0) fail('WITNESS_LOGS is empty: a witness of no log would refuse everything');
  const witness = new Witness(key, logs, new FileWitnessState(process.env['WITNESS_STATE_FILE'] ?? null));
  const { url } = await startWitnessServer(witness, port);
  console.log(
    JSON.stringify({
      msg: 'witness listening',
      url,
      cosignerKey: verifierKey(key.name, COSIGNATURE_V1_TYPE, key.publicKey),
    }),
  );
  process.once('SIGTERM', () => process.exit(0));
  process.once('SIGINT', () => process.exit(0));
}

void main();
