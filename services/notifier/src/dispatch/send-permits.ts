import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import { Batcher, type ItemOutcome } from '@bnp/persistence';
import type { NotifierConfig } from '../config';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { permitStillValid } from './attempt-rules';
import { DeliveryClaimRepository, type PermitRequest } from './delivery-claim.repository';

/**
 * The last check before a provider is called (ADR 0011): the claim must still hold the delivery with
 * lease left, and the lease is extended to cover the request. Sends that start together share one
 * UPDATE. A process that stalled between the permit and the call lets the send go rather than start
 * it late: its row is reconciled once the lease runs out.
 */
@Injectable()
export class SendPermits {
  private readonly batcher: Batcher<PermitRequest, boolean>;

  constructor(
    private readonly claims: DeliveryClaimRepository,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.batcher = new Batcher((items) => this.grant(items), 500, 2, 2);
  }

  /** True when the send may start now; false when it must not start at all. */
  async acquire(deliveryId: string, leaseId: string): Promise<boolean> {
    const askedAt = Date.now();
    const granted = await this.batcher.add({ deliveryId, leaseId });
    if (!granted) {
      this.logger.warn({ deliveryId, leaseId }, 'send not started: its claim lost the delivery (lease ran out)');
      return false;
    }
    const { NOTIFIER_LEASE_MS, TWILIO_REQUEST_TIMEOUT_MS } = this.config;
    if (!permitStillValid(askedAt, Date.now(), NOTIFIER_LEASE_MS, TWILIO_REQUEST_TIMEOUT_MS)) {
      this.logger.warn({ deliveryId, leaseId }, 'send not started: the permit came too late to cover the request');
      return false;
    }
    return true;
  }

  private async grant(items: PermitRequest[]): Promise<ItemOutcome<boolean>[]> {
    const granted = await this.claims.grantPermits(items, this.config.NOTIFIER_LEASE_MS);
    return items.map((item) => ({ ok: true, value: granted.has(item.deliveryId) }));
  }
}
