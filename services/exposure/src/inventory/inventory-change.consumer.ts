import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { InventoryChangeDecoder } from './inventory-change.decoder';
import { InventoryKafkaExceptionFilter } from './inventory-exception.filter';
import { InventoryService, type InventoryOutcome } from './inventory.service';

/** Decodes directory and inventory changes and hands them to the inventory service; the filter maps failures. */
@Controller()
@UseFilters(InventoryKafkaExceptionFilter)
export class InventoryChangeConsumer {
  constructor(
    private readonly decoder: InventoryChangeDecoder,
    private readonly inventory: InventoryService,
  ) {}

  @EventPattern(Topics.inventoryChanges)
  handle(@Payload() message: InboundMessage): Promise<InventoryOutcome> {
    return this.inventory.apply(this.decoder.decode(message));
  }
}
