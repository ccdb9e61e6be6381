import { Inject, Injectable } from '@nestjs/common';
import { Batcher } from '@bnp/persistence';
import type { InboundMessage } from '@bnp/messaging';
import { LeafDecoder } from '../leaf/leaf-decoder';
import type { Leaf } from '../leaf/leaf';
import { TLOG_CONFIG } from '../tokens';
import type { TransparencyLogConfig } from '../config';
import { AppendRepository } from './append.repository';

export type AppendResult = 'appended' | 'duplicate';

/**
 * The log's one way in: a validated message becomes a canonical leaf, and leaves arriving together
 * are appended in one transaction (group commit). A caller's promise settles once its entry is
 * durably in the log (or was already), so the consumer commits the Kafka offset only after that.
 */
@Injectable()
export class AppendService {
  private readonly batch: Batcher<Leaf, AppendResult>;

  constructor(
    private readonly decoder: LeafDecoder,
    repository: AppendRepository,
    @Inject(TLOG_CONFIG) config: TransparencyLogConfig,
  ) {
    // One writer at a time: the counter row serialises appends anyway, and order in the log is arrival order.
    this.batch = new Batcher(
      async (leaves) =>
        (await repository.append(leaves)).map((index) => ({
          ok: true as const,
          value: index === null ? ('duplicate' as const) : ('appended' as const),
        })),
      config.TLOG_APPEND_BATCH_MAX,
      config.TLOG_APPEND_LINGER_MS,
      1,
    );
  }

  appendNotification(message: InboundMessage): Promise<AppendResult> {
    return this.batch.add(this.decoder.notification(message));
  }

  appendExposureDecision(message: InboundMessage): Promise<AppendResult> {
    return this.batch.add(this.decoder.exposureDecision(message));
  }

  drain(): Promise<void> {
    return this.batch.drain();
  }
}
