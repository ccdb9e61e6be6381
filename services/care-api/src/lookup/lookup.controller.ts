import { Body, Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { ACCESS_RECORDED, AccessAuditWriter, accessDraft, type RecordedRequest } from '@bnp/access-audit';
import { RequirePermission } from '@bnp/auth';
import { CareErrorCode, CareException } from '../shared/care.exception';
import { CareHttpExceptionFilter } from '../shared/care-http-exception.filter';
import { LookupService, type SearchResult } from './lookup.service';

const searchSchema = z.object({ query: z.string().max(254) });

/** Find a person. The query travels in the body, never in a URL that proxies and logs keep. */
@ApiTags('people')
@ApiBearerAuth()
@Controller('people')
@UseFilters(CareHttpExceptionFilter)
export class LookupController {
  constructor(
    private readonly lookup: LookupService,
    private readonly audit: AccessAuditWriter,
  ) {}

  @Post('search')
  @HttpCode(200)
  @RequirePermission('care:read', { reasonRequired: true })
  @ApiOperation({ summary: 'Find a person by MSISDN, CNIC, email or the reference code of their notice' })
  @ApiBody({ schema: { properties: { query: { type: 'string', example: '0300-1234567' } } } })
  async search(@Body() body: unknown, @Req() request: Request): Promise<SearchResult> {
    const parsed = searchSchema.safeParse(body ?? {});
    if (!parsed.success) throw new CareException(CareErrorCode.InvalidQuery, 'send {"query": "..."}');
    const authorization = request.headers.authorization ?? '';
    const result = await this.lookup.search(parsed.data.query, authorization);
    // The record names the people the search revealed, and commits before they are returned.
    const recorded = request as RecordedRequest;
    const draft = accessDraft(request, recorded.actor!);
    const targetIds = {
      kind: result.kind,
      outcome: result.outcome,
      personIds: result.people.map((p) => p.personId).join(','),
    };
    await this.audit.record({ ...draft, targetIds }, 'ALLOWED', 200);
    recorded[ACCESS_RECORDED] = true;
    return result;
  }
}
