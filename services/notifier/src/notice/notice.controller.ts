import { Controller, Get, Param } from '@nestjs/common';
import { RequirePermission } from '@bnp/auth';
import { NoticeService } from './notice.service';

/** Counts per incident for operators and the regulator: no personal data, no ids of people. */
@Controller('incidents')
export class NoticeController {
  constructor(private readonly notices: NoticeService) {}

  @Get(':incidentId/notices')
  @RequirePermission('notices:read')
  async summary(@Param('incidentId') incidentId: string) {
    const { notices, deliveries } = await this.notices.summary(incidentId);
    return { incidentId, notices, deliveries };
  }
}
