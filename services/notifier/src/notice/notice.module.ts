import { Module } from '@nestjs/common';
import { ContactSealer } from '../shared/contact-sealer';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import type { NotifierConfig } from '../config';
import { ActivationNoticeService } from './activation-notice.service';
import { EnrollmentRecorder } from './enrollment-recorder';
import { EnrollmentWaitSweep } from './enrollment-wait-sweep';
import { ExposureRecorder } from './exposure-recorder';
import { IncidentActivity } from './incident-activity';
import { IncidentControlRepository } from './incident-control.repository';
import { IncidentControlService } from './incident-control.service';
import { NoticeConsumers } from './notice.consumers';
import { NoticeController } from './notice.controller';
import { NoticeReferenceController } from './notice-reference.controller';
import { NoticeEventsDecoder } from './notice-events.decoder';
import { NoticeRepository } from './notice.repository';
import { NoticeService } from './notice.service';

@Module({
  controllers: [NoticeConsumers, NoticeController, NoticeReferenceController],
  providers: [
    NoticeRepository,
    IncidentControlRepository,
    NoticeService,
    ExposureRecorder,
    EnrollmentRecorder,
    EnrollmentWaitSweep,
    IncidentActivity,
    IncidentControlService,
    ActivationNoticeService,
    {
      provide: NoticeEventsDecoder,
      inject: [NOTIFIER_CONFIG],
      useFactory: (config: NotifierConfig) => new NoticeEventsDecoder(new ContactSealer(config.cipher)),
    },
  ],
  exports: [NoticeService],
})
export class NoticeModule {}
