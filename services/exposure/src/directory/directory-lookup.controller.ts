import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { z } from 'zod';
import { RequirePermission } from '@bnp/auth';
import { ExposureHttpExceptionFilter } from '../gate/exposure-http-exception.filter';
import { parseGateBody } from '../gate/dto/gate.dto';
import { DirectoryLookupRepository, type DirectoryPerson } from './directory-lookup.repository';

const lookupSchema = z.object({
  kind: z.enum(['msisdn', 'cnic', 'email']),
  // The caller's blind index (libs/pii BlindIndexer) of the normalised value: no plain identifier travels.
  blindIndex: z.string().regex(/^[0-9a-f]{64}$/, 'hex HMAC-SHA256 blind index of the normalised value'),
});

/**
 * The narrow directory lookup customer care needs (services/care-api): who holds a number, CNIC or email
 * today, by blind index, answered with ids and masked values only. Care never reads this schema itself.
 */
@Controller('directory')
@UseFilters(ExposureHttpExceptionFilter)
export class DirectoryLookupController {
  constructor(private readonly directory: DirectoryLookupRepository) {}

  @Post('lookup')
  @HttpCode(200)
  @RequirePermission('directory:lookup')
  async lookup(@Body() body: unknown): Promise<{ people: DirectoryPerson[] }> {
    const { kind, blindIndex } = parseGateBody(lookupSchema, body);
    return { people: await this.directory.find(kind, Buffer.from(blindIndex, 'hex')) };
  }
}
