import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { ProtectionKafkaExceptionFilter } from '../enrollment/protection-exception.filter';
import { decodeAcknowledgement } from './protection-ack.decoder';
import { ProtectionService, type AckOutcome } from './protection.service';

/** Records the operator's acknowledgements of protection commands. */
@Controller()
@UseFilters(ProtectionKafkaExceptionFilter)
export class ProtectionAckConsumer {
  constructor(private readonly protection: ProtectionService) {}

  @EventPattern(Topics.fraudProtectionAcks)
  handle(@Payload() message: InboundMessage): Promise<AckOutcome> {
    return this.protection.recordAcknowledgement(decodeAcknowledgement(message));
  }
}
