'use strict';
// Worker thread for CipherWorkerPool. Plain CommonJS so it runs unchanged under node, jest (@swc/jest) and
// `node -r @swc-node/register`, which do not transpile TypeScript inside worker threads.
// It re-implements only FieldCipher.encrypt and BlindIndexer.index; cipher-worker-pool.spec.ts decrypts its output
// with FieldCipher and compares its indexes with BlindIndexer, so the two cannot drift apart unnoticed.
// Layout: see envelope.ts.
const { createCipheriv, createHmac, createSecretKey, randomBytes } = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');

const ENVELOPE_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** @type {{ activeKeyId: string, activeKey: Uint8Array, blindIndexKey: Uint8Array }} */
const config = workerData;
const activeKey = createSecretKey(config.activeKey);
const blindIndexKey = createSecretKey(config.blindIndexKey);
const keyId = Buffer.from(config.activeKeyId, 'utf8');
const header = Buffer.concat([Buffer.from([ENVELOPE_VERSION, keyId.length]), keyId]);

function encrypt(plaintext, aad) {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', activeKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad ? Buffer.concat([header, Buffer.from(aad, 'utf8')]) : header);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([header, iv, ciphertext, cipher.getAuthTag()]);
}

function blindIndex(kind, value) {
  return createHmac('sha256', blindIndexKey).update(`${kind}:${value}`, 'utf8').digest();
}

/**
 * Returns every output of the batch packed into one transferable buffer (row by row: envelopes, then indexes),
 * so the result crosses back to the main thread without copying.
 */
function processBatch(rows) {
  const outputs = [];
  for (const row of rows) {
    for (const value of row.encrypt) outputs.push(encrypt(value, row.aad));
    for (const request of row.index) outputs.push(blindIndex(request.kind, request.value));
  }
  const packed = new Uint8Array(outputs.reduce((total, output) => total + output.length, 0));
  let offset = 0;
  for (const output of outputs) {
    packed.set(output, offset);
    offset += output.length;
  }
  return { packed, lengths: outputs.map((output) => output.length) };
}

parentPort.on('message', (task) => {
  try {
    const { packed, lengths } = processBatch(task.rows);
    parentPort.postMessage({ id: task.id, ok: true, packed, lengths }, [packed.buffer]);
  } catch (error) {
    // Only the error class: messages from crypto are fine today, but plaintext must never cross back by accident.
    parentPort.postMessage({ id: task.id, ok: false, reason: error instanceof Error ? error.name : 'unknown' });
  }
});
