import { Module } from '@nestjs/common';
import type { ExposureConfig } from '../config';
import { EXPOSURE_CONFIG } from '../infrastructure.module';
import { InventoryChangeConsumer } from './inventory-change.consumer';
import { InventoryChangeDecoder } from './inventory-change.decoder';
import { InventoryRowCipher } from './inventory-row-cipher';
import { InventoryRepository } from './inventory.repository';
import { InventoryService } from './inventory.service';

/** Incremental directory and inventory changes from `inventory.changes.v1` (the bulk path is the import CLI). */
@Module({
  controllers: [InventoryChangeConsumer],
  providers: [
    { provide: InventoryChangeDecoder, useFactory: () => new InventoryChangeDecoder() },
    {
      provide: InventoryRowCipher,
      inject: [EXPOSURE_CONFIG],
      useFactory: (config: ExposureConfig) =>
        new InventoryRowCipher(config.piiKeys.keyRing, config.piiKeys.blindIndexKey),
    },
    InventoryRepository,
    InventoryService,
  ],
})
export class InventoryModule {}
