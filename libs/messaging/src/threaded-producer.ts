import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KafkaConfig, LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { logKafkaEntry } from './kafka-client';

// Plain JS on purpose: see the header of producer-thread.js.
const THREAD_FILE = join(__dirname, 'producer-thread.js');

export interface KeyedMessage {
  key: string;
  value: Uint8Array;
}

/** A send the producer thread failed, with what kafkajs said of it. */
export class ProducerThreadError extends Error {
  constructor(
    message: string,
    override readonly name: string,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

type Reply = { id: number; packed?: ArrayBuffer } & (
  { ok: true } | { ok: false; error: { name: string; message: string; retriable: boolean } }
);
type ThreadMessage = Reply | { type: 'log'; entry: LogEntry };

/** One worker thread holding one kafkajs producer; every request is answered or failed, also when the thread dies. */
class ProducerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private lastId = 0;
  private exitError?: Error;
  readonly exited: Promise<void>;

  constructor(
    config: KafkaConfig,
    logger: Logger,
    private readonly onReturned: (packed: ArrayBuffer) => void,
  ) {
    this.worker = new Worker(THREAD_FILE, {
      workerData: { kafka: config },
      // The thread's garbage is kafkajs's request building; a young generation this size collects it often
      // enough to keep the thread's heap about 50 MB (the default let it reach twice that).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.worker.on('message', (message: ThreadMessage) => {
      if ('type' in message) return logKafkaEntry(logger, message.entry);
      const request = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.packed) this.onReturned(message.packed);
      if (message.ok) request?.resolve();
      else request?.reject(new ProducerThreadError(message.error.message, message.error.name, message.error.retriable));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.failAll(new Error(`the Kafka producer thread exited (code ${code})`));
        resolve();
      }),
    );
  }

  request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  private failAll(error: Error): void {
    this.exitError ??= error;
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}

/**
 * An idempotent kafkajs producer on a worker thread, for a relay whose own thread is busy reading and
 * encoding: kafkajs builds every produce request in JavaScript (record batches, varints, CRC-32C and the
 * buffer copies of its encoder), which was about a third of the exposure fan-out's CPU on one thread.
 * Messages cross as one transferred buffer per send (keys and values back to back), not as objects.
 *
 * The same policy as RenewingProducer (one request in flight, so each partition keeps its order; a failed
 * send replaces the producer, here by replacing the thread, so the next send gets a new producer id and
 * fresh sequence numbers), and the same partitions (KeyPartitioner runs in the thread). Callers send one
 * batch at a time and resend what was not acknowledged.
 */
export class ThreadedProducer {
  private thread?: ProducerThread;
  private connecting?: Promise<ProducerThread>;
  /** How many times a failed producer thread was replaced; for logs and tests. */
  renewals = 0;
  private readonly config: KafkaConfig;
  /** Send buffers the thread handed back, reused by the next sends (sends are one at a time: one or two suffice). */
  private readonly spare: ArrayBuffer[] = [];

  /** `config` as kafkaClientConfig builds it; its logCreator is dropped, kafkajs logs reach `logger` instead. */
  constructor(
    config: KafkaConfig,
    private readonly logger: Logger,
  ) {
    const { logCreator: _threadsCannotShareFunctions, ...cloneable } = config;
    this.config = cloneable;
  }

  async connect(): Promise<void> {
    await this.current();
  }

  async send(topic: string, messages: KeyedMessage[], acks = -1): Promise<void> {
    const { packed, lengths } = pack(messages, this.spare);
    const thread = await this.current();
    try {
      await thread.request({ type: 'send', topic, acks, packed, lengths }, [packed, lengths.buffer]);
    } catch (error) {
      // Sends queued on the same thread fail too; only the first replaces it.
      if (this.thread === thread) {
        this.thread = undefined;
        this.renewals += 1;
        this.logger.warn({ err: error }, 'kafka send failed; the producer thread is replaced before the next send');
        void thread.terminate();
      }
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    const thread = this.thread ?? (await this.connecting?.catch(() => undefined));
    this.thread = undefined;
    if (!thread) return;
    try {
      await thread.request({ type: 'disconnect' });
    } finally {
      await thread.terminate();
    }
  }

  private current(): Promise<ProducerThread> {
    if (this.thread) return Promise.resolve(this.thread);
    this.connecting ??= (async () => {
      const thread = new ProducerThread(this.config, this.logger, (packed) => {
        if (this.spare.length < 2) this.spare.push(packed);
      });
      try {
        await thread.request({ type: 'connect' });
        this.thread = thread;
        return thread;
      } catch (error) {
        await thread.terminate();
        throw error;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }
}

/**
 * Keys and values back to back in one buffer of its own (so it can be transferred): a spare one large enough,
 * else a new one with room to grow, so that batches of similar size keep reusing it. And their lengths.
 */
function pack(
  messages: KeyedMessage[],
  spare: ArrayBuffer[],
): { packed: ArrayBuffer; lengths: Uint32Array<ArrayBuffer> } {
  const lengths = new Uint32Array(messages.length * 2);
  let total = 0;
  messages.forEach((message, i) => {
    lengths[2 * i] = Buffer.byteLength(message.key, 'utf8');
    lengths[2 * i + 1] = message.value.byteLength;
    total += lengths[2 * i]! + lengths[2 * i + 1]!;
  });
  const fits = spare.findIndex((buffer) => buffer.byteLength >= total);
  const packed = fits >= 0 ? spare.splice(fits, 1)[0]! : new ArrayBuffer(Math.ceil(total * 1.25));
  const bytes = Buffer.from(packed);
  let offset = 0;
  messages.forEach((message, i) => {
    offset += bytes.write(message.key, offset, lengths[2 * i]!, 'utf8');
    bytes.set(message.value, offset);
    offset += lengths[2 * i + 1]!;
  });
  return { packed, lengths };
}
