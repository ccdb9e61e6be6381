import type { Logger } from 'pino';
import { WorkerLoop } from '@bnp/persistence';
import {
  EMPTY_TREE_HASH,
  consistencyProof,
  formatCheckpoint,
  noteSigner,
  signNote,
  treeHash,
  type Ed25519Key,
} from '@bnp/tlog';
import type { BackgroundWorker } from '@bnp/messaging';
import { TileHashReader, type TileRepository } from '../tree/tile-store';
import type { CheckpointRepository } from './checkpoint.repository';
import type { WitnessClient } from './witness.client';

export interface CheckpointPublisherOptions {
  origin: string;
  key: Ed25519Key;
  intervalMs: number;
  checkpoints: CheckpointRepository;
  tiles: TileRepository;
  witness: WitnessClient | null;
  logger: Logger;
}

/**
 * Signs a checkpoint of the tree every interval while it grows (and one of the empty tree at the
 * start), asks the witness to cosign it, and stores it. A witness that is down or refuses does not
 * stop the log: the checkpoint is published with the log's signature only, the failure is logged, and
 * the next checkpoint asks again from the last size the witness cosigned.
 */
export class CheckpointPublisher implements BackgroundWorker {
  private readonly loop: WorkerLoop;

  constructor(private readonly options: CheckpointPublisherOptions) {
    this.loop = new WorkerLoop({
      logger: options.logger,
      // Checkpoints start every interval, however long signing and the witness took: the pass waits out
      // the rest of its interval itself (and reports work, so the loop goes again at once).
      pass: async () => {
        const due = Date.now() + options.intervalMs;
        await this.publishIfGrown();
        while (this.loop.running && Date.now() < due)
          await new Promise((resolve) => setTimeout(resolve, Math.min(100, due - Date.now())));
        return 1;
      },
      idleMs: options.intervalMs,
      retryMs: options.intervalMs,
      failureMessage: 'checkpoint not published',
    });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Publishes a checkpoint of the current tree unless one of that size exists; returns its size. */
  async publishIfGrown(): Promise<number | null> {
    const { checkpoints, tiles, key, origin, witness, logger } = this.options;
    const [size, latest] = await Promise.all([checkpoints.treeSize(), checkpoints.latest()]);
    if (latest && latest.treeSize >= size) return null;
    const reader = new TileHashReader(tiles);
    const root = size === 0 ? EMPTY_TREE_HASH : await treeHash(reader, size);
    const signed = signNote(formatCheckpoint({ origin, size, root }), [noteSigner(key)]);
    let note = signed;
    let cosigned = false;
    if (witness) {
      try {
        let oldSize = await checkpoints.lastCosignedSize();
        for (let attempt = 0; attempt < 2 && !cosigned; attempt++) {
          const answer = await witness.addCheckpoint(oldSize, await consistencyProof(reader, oldSize, size), signed);
          if ('conflictSize' in answer) {
            if (answer.conflictSize > size) break;
            oldSize = answer.conflictSize;
            continue;
          }
          note = `${signed}${answer.cosignatures.map((line) => `${line}\n`).join('')}`;
          cosigned = answer.cosignatures.length > 0;
        }
        if (!cosigned)
          logger.warn({ size }, 'witness did not cosign the checkpoint; published with the log signature only');
      } catch (error) {
        logger.warn(
          { err: error, size },
          'witness unreachable or refused; checkpoint published with the log signature only',
        );
      }
    }
    await checkpoints.insert({ treeSize: size, rootHash: root, note, cosigned });
    logger.info({ size, cosigned }, 'checkpoint published');
    return size;
  }
}
