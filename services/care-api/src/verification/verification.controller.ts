import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Actor, RequirePermission, staffPrincipal, type AccessActor } from '@bnp/auth';
import { CareErrorCode, CareException } from '../shared/care.exception';
import { CareHttpExceptionFilter } from '../shared/care-http-exception.filter';
import { VerificationService, type VerificationView } from './verification.service';

const REASON = { name: 'X-Access-Reason', required: true, description: 'Why (1..500 characters)' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const issueSchema = z.object({ subscriberId: z.string().min(1).max(64) });
const confirmSchema = z.object({ code: z.string().min(1).max(20) });

function verificationIdOf(value: string): string {
  if (!UUID.test(value)) throw new CareException(CareErrorCode.InvalidQuery, 'verificationId is a UUID');
  return value.toLowerCase();
}

/**
 * Caller verification (ADR 0025): text a care code to a number the person still holds, then the agent
 * types what the caller reads back. The verification id is what later actions cite. Every call is audited.
 */
@ApiTags('people')
@ApiBearerAuth()
@ApiHeader(REASON)
@Controller('people/:personId/verifications')
@UseFilters(CareHttpExceptionFilter)
export class VerificationController {
  constructor(private readonly verifications: VerificationService) {}

  @Post()
  @RequirePermission('care:act', { reasonRequired: true })
  @ApiOperation({ summary: 'Text a care code to one of the numbers the person still holds (3 an hour per person)' })
  @ApiBody({ schema: { properties: { subscriberId: { type: 'string' } } } })
  issue(
    @Param('personId') personId: string,
    @Body() body: unknown,
    @Actor() actor: AccessActor,
  ): Promise<VerificationView> {
    const parsed = issueSchema.safeParse(body ?? {});
    if (!parsed.success) throw new CareException(CareErrorCode.InvalidQuery, 'send {"subscriberId": "..."}');
    return this.verifications.issue(personId, parsed.data.subscriberId, staffPrincipal(actor).subject);
  }

  @Post(':verificationId/confirm')
  @HttpCode(200)
  @RequirePermission('care:act', { reasonRequired: true })
  @ApiOperation({ summary: 'The code the caller read back: verified, or refused (5 tries, 10 minutes)' })
  @ApiBody({ schema: { properties: { code: { type: 'string', example: '042917' } } } })
  confirm(
    @Param('personId') personId: string,
    @Param('verificationId') verificationId: string,
    @Body() body: unknown,
    @Actor() actor: AccessActor,
  ): Promise<VerificationView> {
    const id = verificationIdOf(verificationId);
    const parsed = confirmSchema.safeParse(body ?? {});
    if (!parsed.success) throw new CareException(CareErrorCode.InvalidQuery, 'send {"code": "..."}');
    return this.verifications.confirm(personId, id, parsed.data.code, staffPrincipal(actor).subject);
  }

  @Get(':verificationId')
  @RequirePermission('care:read', { reasonRequired: true })
  @ApiOperation({ summary: 'Whether a verification succeeded (what an action citing it checks)' })
  find(
    @Param('personId') personId: string,
    @Param('verificationId') verificationId: string,
  ): Promise<VerificationView> {
    return this.verifications.find(personId, verificationIdOf(verificationId));
  }
}
