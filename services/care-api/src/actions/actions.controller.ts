import { Body, Controller, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { RequirePermission } from '@bnp/auth';
import { CareErrorCode, CareException } from '../shared/care.exception';
import { CareHttpExceptionFilter } from '../shared/care-http-exception.filter';
import { OptOutService } from './opt-out.service';

const REASON = { name: 'X-Access-Reason', required: true, description: 'Why (1..500 characters)' };
const citeSchema = z.object({ verificationId: z.string().uuid() });

/** What an agent does for a verified caller, each citing the verification, each through the owning service. */
@ApiTags('people')
@ApiBearerAuth()
@ApiHeader(REASON)
@Controller('people/:personId')
@UseFilters(CareHttpExceptionFilter)
export class ActionsController {
  constructor(private readonly optOuts: OptOutService) {}

  @Post('enrollments/:enrollmentId/opt-out')
  @HttpCode(200)
  @RequirePermission('care:act', { reasonRequired: true })
  @ApiOperation({ summary: 'Opt a verified caller out of fraud-watch (fraud-guard does it, as the agent)' })
  @ApiBody({ schema: { properties: { verificationId: { type: 'string', format: 'uuid' } } } })
  optOut(
    @Param('personId') personId: string,
    @Param('enrollmentId') enrollmentId: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<Record<string, unknown>> {
    const parsed = citeSchema.safeParse(body ?? {});
    if (!parsed.success)
      throw new CareException(CareErrorCode.InvalidQuery, 'send {"verificationId": "..."} of this call');
    return this.optOuts.optOut(
      personId,
      enrollmentId,
      parsed.data.verificationId.toLowerCase(),
      request.headers.authorization ?? '',
      String(request.headers['x-access-reason'] ?? ''),
    );
  }
}
