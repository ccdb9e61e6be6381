import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@bnp/auth';
import type { CareConfig } from '../config';
import { CARE_CONFIG } from '../shared/tokens';

/** What the console (services/care-web) needs before sign-in: where the IdP is and which client it is. */
@ApiTags('console')
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CARE_CONFIG) private readonly config: CareConfig) {}

  @Get('config.json')
  @Public('public configuration of the sign-in page: the IdP address and a public client id, no data')
  @ApiOperation({ summary: "The console's sign-in configuration" })
  configuration() {
    return { issuer: this.config.CARE_WEB_ISSUER ?? this.config.OIDC_ISSUER, clientId: this.config.CARE_WEB_CLIENT_ID };
  }
}
