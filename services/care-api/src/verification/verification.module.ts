import { Module } from '@nestjs/common';
import { ActionsController } from '../actions/actions.controller';
import { OptOutService } from '../actions/opt-out.service';
import { PersonModule } from '../person/person.module';
import { VerificationController } from './verification.controller';
import { VerificationRepository } from './verification.repository';
import { VerificationService } from './verification.service';

/** Caller verification and the actions that cite it (ADR 25). */
@Module({
  imports: [PersonModule],
  controllers: [VerificationController, ActionsController],
  providers: [VerificationRepository, VerificationService, OptOutService],
})
export class VerificationModule {}
