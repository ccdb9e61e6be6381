import { Controller, Get, Header, Param, Query, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@bnp/auth';
import { CareHttpExceptionFilter } from '../shared/care-http-exception.filter';
import { tierName } from '../person/person-words';
import { BoardRepository } from './board.repository';
import { csvOf } from './csv';

/** The incident board for supervisors: counts by tier, pause state and the unreachable list (polled by the console). */
@ApiTags('board')
@ApiBearerAuth()
@Controller('incidents/:incidentId/board')
@UseFilters(CareHttpExceptionFilter)
export class BoardController {
  constructor(private readonly board: BoardRepository) {}

  @Get()
  @RequirePermission('care:board')
  @ApiOperation({ summary: 'Affected, notified, unreachable and pending people by tier; paused or not' })
  async summary(@Param('incidentId') incidentId: string) {
    const [counts, paused] = await Promise.all([this.board.counts(incidentId), this.board.paused(incidentId)]);
    const total = (field: 'affected' | 'notified' | 'unreachable' | 'pending') =>
      counts.reduce((sum, row) => sum + row[field], 0);
    return {
      incidentId,
      paused,
      asOf: new Date().toISOString(),
      totals: {
        affected: total('affected'),
        notified: total('notified'),
        unreachable: total('unreachable'),
        pending: total('pending'),
      },
      byTier: counts.map((row) => ({ ...row, tier: tierName(row.tier) })),
    };
  }

  @Get('unreachable')
  @RequirePermission('care:board')
  @ApiOperation({ summary: 'The people no channel reached (masked), to work through' })
  async unreachable(@Param('incidentId') incidentId: string, @Query('limit') limit?: string) {
    const rows = await this.board.unreachable(incidentId, Math.min(Math.max(Number(limit) || 100, 1), 1000));
    return { incidentId, people: rows.map((row) => ({ ...row, tier: tierName(row.tier) })) };
  }

  @Get('unreachable.csv')
  @RequirePermission('care:board')
  @Header('content-type', 'text/csv; charset=utf-8')
  @ApiOperation({ summary: 'The unreachable list as CSV for a substitute-notice campaign (masked numbers)' })
  async unreachableCsv(@Param('incidentId') incidentId: string): Promise<string> {
    const rows = await this.board.unreachable(incidentId, 100_000);
    return csvOf(
      ['person_id', 'tier', 'numbers_masked'],
      rows.map((row) => [row.personId, tierName(row.tier), row.numbers]),
    );
  }
}
