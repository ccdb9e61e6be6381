import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AccessDenialListener, Principal } from '@bnp/auth';
import { accessDraft } from './access-record';
import { AccessAuditWriter } from './access-audit.writer';

/** Records the guard's 403s: an authenticated caller knocking on a door their roles do not open. */
@Injectable()
export class AccessDenialRecorder implements AccessDenialListener {
  constructor(private readonly writer: AccessAuditWriter) {}

  async denied(request: Request, principal: Principal, detail: string): Promise<void> {
    await this.writer.record(
      { ...accessDraft(request, { kind: 'staff', principal, reason: null }), reason: detail },
      'DENIED',
      403,
    );
  }
}
