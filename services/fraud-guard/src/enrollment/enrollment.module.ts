import { Module } from '@nestjs/common';
import { ActivationModule } from '../activation/activation.module';
import { EnrollmentLifecycleService } from './enrollment-lifecycle.service';
import { EnrollmentController } from './enrollment.controller';
import { EnrollmentRepository } from './enrollment.repository';
import { EnrollmentService } from './enrollment.service';
import { HolderProofModule } from './holder-proof.module';
import { ExposureConsumer } from './exposure.consumer';

@Module({
  imports: [ActivationModule, HolderProofModule],
  controllers: [ExposureConsumer, EnrollmentController],
  providers: [EnrollmentRepository, EnrollmentService, EnrollmentLifecycleService],
  exports: [EnrollmentLifecycleService],
})
export class EnrollmentModule {}
