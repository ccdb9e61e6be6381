import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { IncidentRevisionAcceptedSchema, Topics, decodeBinary } from '@bnp/contracts';
import { KafkaExceptionFilter, MessageFailure, type InboundMessage } from '@bnp/messaging';
import { ResolutionJobRepository } from './resolution-job.repository';

/** Records each accepted revision as a resolution job and returns at once (resolving can take minutes). */
@Controller()
@UseFilters(KafkaExceptionFilter)
export class IncidentRevisionConsumer {
  constructor(private readonly jobs: ResolutionJobRepository) {}

  @EventPattern(Topics.incidentRevisions)
  async handle(@Payload() message: InboundMessage): Promise<void> {
    if (!message.value) throw MessageFailure.deadLetter('MALFORMED_REVISION', 'empty message');
    let revision;
    try {
      revision = decodeBinary(IncidentRevisionAcceptedSchema, message.value);
    } catch (error) {
      throw MessageFailure.deadLetter('MALFORMED_REVISION', (error as Error).message);
    }
    await this.jobs.enqueue(revision.incidentId, revision.revision, message.value);
  }
}
