import { Module } from '@nestjs/common';
import { PersonModule } from '../person/person.module';
import { VerificationController } from './verification.controller';
import { VerificationRepository } from './verification.repository';
import { VerificationService } from './verification.service';

@Module({
  imports: [PersonModule],
  controllers: [VerificationController],
  providers: [VerificationRepository, VerificationService],
})
export class VerificationModule {}
