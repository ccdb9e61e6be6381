import { DomainException } from '@bnp/errors';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ClosureReason } from '@bnp/contracts';
import { LOGGER } from '@bnp/observability';
import type { ChunkResult } from '../import/import-pipeline';
import type { InventoryChange } from './inventory-change';
import type { VersionedKind } from './inventory-version.entity';
import { InventoryErrorCode, inventoryCodeOf } from './inventory.exception';
import { InventoryRepository, type InventoryTransaction } from './inventory.repository';

/** `duplicate`: this very change was applied before; `stale`: a newer change to the same thing was. */
export type InventoryOutcome = 'applied' | 'duplicate' | 'stale';

/**
 * Applies one change to the directory or inventory, in one transaction, only if it is the newest change to what it
 * names (occurred_at, then event id): redelivered and overtaken changes write nothing. A change the merge refuses
 * (unknown asset or subscriber, a number someone else still holds) rolls back whole, version included, so a retry
 * can apply it later.
 */
@Injectable()
export class InventoryService {
  constructor(
    private readonly inventory: InventoryRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(change: InventoryChange): Promise<InventoryOutcome> {
    const outcome = await this.inventory.inTransaction(async (tx) => {
      if (!(await tx.holdOffImport())) {
        throw new DomainException(InventoryErrorCode.ImportRunning, 'a bulk directory import is running');
      }
      const [kind, entityId] = versionedEntity(change);
      const claim = await tx.claim(kind, entityId, change);
      if (claim !== 'claimed') return claim;
      await this.write(tx, change);
      return 'applied';
    });
    // Ids only: the change's personal data never reaches a log line.
    this.logger.info(
      {
        eventId: change.eventId,
        kind: change.kind,
        entity: versionedEntity(change).join(':'),
        source: change.source,
        outcome,
      },
      'inventory change',
    );
    return outcome;
  }

  private async write(tx: InventoryTransaction, change: InventoryChange): Promise<void> {
    switch (change.kind) {
      case 'subscriber-upserted': {
        // An older change than the person's last one (from another of their SIMs) still writes this subscription.
        const person = await tx.claimPerson(change.subscriber.cnic, change);
        refuseRejects(await tx.upsertSubscriber(change.subscriber, person !== 'claimed'));
        return;
      }
      case 'subscriber-closed': {
        const closed = await tx.closeSubscriber(change.subscriberId);
        if (closed === 'unknown') {
          throw new DomainException(
            InventoryErrorCode.UnknownSubscriber,
            `subscriber ${change.subscriberId} is not in the directory (${ClosureReason[change.reason]})`,
          );
        }
        return;
      }
      case 'holding-upserted':
        refuseRejects(await tx.upsertHolding(change.holding));
        return;
      case 'holding-removed':
        await tx.removeHolding(change.assetId, change.subscriberId); // none to remove is already the wanted state
        return;
      case 'asset-upserted':
        refuseRejects(await tx.upsertAsset(change.asset));
        return;
    }
  }
}

/** What a change's version is kept under: see InventoryVersionEntity. Ids cannot contain `|`. */
function versionedEntity(change: InventoryChange): [VersionedKind, string] {
  switch (change.kind) {
    case 'subscriber-upserted':
      return ['subscriber', change.subscriber.subscriberId];
    case 'subscriber-closed':
      return ['subscriber', change.subscriberId];
    case 'holding-upserted':
      return ['holding', `${change.holding.assetId}|${change.holding.subscriberId}`];
    case 'holding-removed':
      return ['holding', `${change.assetId}|${change.subscriberId}`];
    case 'asset-upserted':
      return ['asset', change.asset.assetId];
  }
}

/** The import's set-based checks refused the row: the change is refused with the same code and reason. */
function refuseRejects(result: ChunkResult): void {
  const problem = result.rejects[0]?.problems[0];
  if (problem) throw new DomainException(inventoryCodeOf(problem.code), `${problem.field} ${problem.message}`);
}
