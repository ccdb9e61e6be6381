import { Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@bnp/auth';
import { CareHttpExceptionFilter } from '../shared/care-http-exception.filter';
import type { PersonView } from './person-view';
import { PersonService } from './person.service';

const REASON = { name: 'X-Access-Reason', required: true, description: 'Why you are looking (1..500 characters)' };

/** The person view (masked) and a supervisor's reveal of one full number or email. Every call is audited. */
@ApiTags('people')
@ApiBearerAuth()
@ApiHeader(REASON)
@Controller('people/:personId')
@UseFilters(CareHttpExceptionFilter)
export class PersonController {
  constructor(private readonly people: PersonService) {}

  @Get()
  @RequirePermission('care:read', { reasonRequired: true })
  @ApiOperation({ summary: 'Incidents per revision, notices and their delivery, enrollment and protection; masked' })
  view(@Param('personId') personId: string): Promise<PersonView> {
    return this.people.view(personId);
  }

  @Post('numbers/:subscriberId/reveal')
  @HttpCode(200)
  @RequirePermission('care:reveal', { reasonRequired: true })
  @ApiOperation({ summary: 'Supervisor: the full number of one SIM the person still holds (audited with the reason)' })
  revealNumber(
    @Param('personId') personId: string,
    @Param('subscriberId') subscriberId: string,
  ): Promise<{ msisdn: string }> {
    return this.people.revealNumber(personId, subscriberId);
  }

  @Post('email/reveal')
  @HttpCode(200)
  @RequirePermission('care:reveal', { reasonRequired: true })
  @ApiOperation({ summary: "Supervisor: the person's full email (audited with the reason)" })
  revealEmail(@Param('personId') personId: string): Promise<{ email: string }> {
    return this.people.revealEmail(personId);
  }
}
