import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequirePermission } from '@bnp/auth';

const REFERENCE_CODE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/**
 * The narrow lookup customer care needs (services/care-api): which notice, person and incident a reference
 * code printed in an SMS or email belongs to. Ids only; care relays its agent's token.
 */
@Controller('notices/by-reference')
export class NoticeReferenceController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':referenceCode')
  @RequirePermission('care:read')
  async find(@Param('referenceCode') referenceCode: string) {
    if (!REFERENCE_CODE.test(referenceCode)) throw new NotFoundException('no notice has this reference code');
    const rows: { notice_id: string; person_id: string; incident_id: string; revision: number }[] =
      await this.dataSource.query(
        `SELECT "notice_id", "person_id", "incident_id", "revision" FROM "notify"."notices"
         WHERE "reference_code" = $1 ORDER BY "revision" DESC LIMIT 1`,
        [referenceCode],
      );
    const row = rows[0];
    if (!row) throw new NotFoundException('no notice has this reference code');
    return { noticeId: row.notice_id, personId: row.person_id, incidentId: row.incident_id, revision: row.revision };
  }
}
