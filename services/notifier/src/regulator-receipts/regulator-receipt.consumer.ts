import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { NotifierKafkaExceptionFilter } from '../shared/notifier-exception.filter';
import { decodeRegulatorReceipt } from './regulator-receipt.decoder';
import { RegulatorReceiptRepository } from './regulator-receipt.repository';

/** regulator.reports.v1, from regulator-api only (its outbox): a receipt makes notices say "reported". */
@Controller()
@UseFilters(NotifierKafkaExceptionFilter)
export class RegulatorReceiptConsumer {
  constructor(private readonly receipts: RegulatorReceiptRepository) {}

  @EventPattern(Topics.regulatorReports)
  receipt(@Payload() message: InboundMessage): Promise<'recorded' | 'duplicate'> {
    return this.receipts.record(decodeRegulatorReceipt(message));
  }
}
