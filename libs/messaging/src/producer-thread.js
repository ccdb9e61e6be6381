'use strict';
// Worker thread of ThreadedProducer (threaded-producer.ts): one idempotent kafkajs producer, so that building
// produce requests (record batches, varints, CRC-32C, buffer copies: a third of a fan-out's CPU) runs beside
// the thread that reads and encodes the events. Plain CommonJS, as worker threads run no TypeScript (see the
// header of libs/pii/src/cipher-worker.js). It does no more than kafkajs does: ThreadedProducer owns the
// policy (one send at a time, a new thread after a failed send).
//
// Messages (all answered with { id, ok, error?, packed? }):
//   { type: 'connect', id }
//   { type: 'send', id, topic, acks, packed: ArrayBuffer, lengths: Uint32Array }  keys and values back to back,
//     lengths = [keyLength, valueLength, ...]; the buffers are transferred, the records are views of them, and
//     `packed` is transferred back with the answer.
//   { type: 'disconnect', id }
// and it posts { type: 'log', entry } for every kafkajs log line, which the main thread's logger writes.
const { parentPort, workerData } = require('node:worker_threads');
const { Kafka } = require('kafkajs');
const { KeyPartitioner } = require('./key-partitioner');

/** Log entries cross threads by structured clone: anything that cannot be cloned is sent as text. */
function postLog(entry) {
  try {
    parentPort.postMessage({ type: 'log', entry });
  } catch {
    parentPort.postMessage({
      type: 'log',
      entry: { ...entry, log: { message: String(entry.log && entry.log.message) } },
    });
  }
}

const kafka = new Kafka({ ...workerData.kafka, logCreator: () => postLog });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: KeyPartitioner });

function unpack({ packed, lengths }) {
  const messages = new Array(lengths.length / 2);
  let offset = 0;
  for (let i = 0; i < lengths.length; i += 2) {
    const key = Buffer.from(packed, offset, lengths[i]);
    offset += lengths[i];
    const value = Buffer.from(packed, offset, lengths[i + 1]);
    offset += lengths[i + 1];
    messages[i / 2] = { key, value };
  }
  return messages;
}

async function handle(request) {
  switch (request.type) {
    case 'connect':
      return producer.connect();
    case 'send':
      return producer.send({ topic: request.topic, acks: request.acks, messages: unpack(request) });
    case 'disconnect':
      return producer.disconnect();
    default:
      throw new Error(`unknown request ${String(request.type)}`);
  }
}

// A send's buffer goes back with its answer (kafkajs has copied the records into its request by then), so the
// main thread packs the next batches into it instead of allocating a new one for each.
const returned = (request) => (request.packed ? [request.packed] : []);

parentPort.on('message', (request) => {
  handle(request).then(
    () => parentPort.postMessage({ id: request.id, ok: true, packed: request.packed }, returned(request)),
    (error) =>
      parentPort.postMessage(
        {
          id: request.id,
          ok: false,
          packed: request.packed,
          error: {
            name: error && error.name ? String(error.name) : 'Error',
            message: error && error.message ? String(error.message) : String(error),
            retriable: Boolean(error && error.retriable),
          },
        },
        returned(request),
      ),
  );
});
