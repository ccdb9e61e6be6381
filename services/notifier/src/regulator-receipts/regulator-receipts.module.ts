import { Module } from '@nestjs/common';
import { RegulatorReceiptConsumer } from './regulator-receipt.consumer';
import { RegulatorReceiptRepository } from './regulator-receipt.repository';

@Module({ controllers: [RegulatorReceiptConsumer], providers: [RegulatorReceiptRepository] })
export class RegulatorReceiptsModule {}
