import { Inject, Injectable } from '@nestjs/common';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { RegulatorReportFiledSchema, ReportKind, Topics } from '@bnp/contracts';
import { OutboxWriter } from '@bnp/messaging';
import { LOGGER } from '@bnp/observability';
import { WorkerLoop } from '@bnp/persistence';
import type { RegulatorApiConfig } from '../config';
import { REGULATOR_SCHEMA } from '../data-source';
import { REGULATOR_CONFIG } from '../tokens';
import { PortalClient, PortalUnavailable } from './portal.client';
import { ReportsRepository, type StoredReport } from './reports.repository';
import { retryDelayMs } from './retry-delay';

const KINDS: Record<string, ReportKind> = {
  initial: ReportKind.INITIAL,
  update: ReportKind.UPDATE,
  final: ReportKind.FINAL,
};

/**
 * Sends pending reports to the regulator's portal until a receipt comes back (doubling delays, no
 * give-up: an unfiled report is a legal problem, and the deadline clock raises it). The receipt and
 * its regulator.reports.v1 event commit together (outbox), so the notifier learns of every receipt.
 */
@Injectable()
export class SubmissionWorker {
  private readonly loop: WorkerLoop;
  private readonly portal: PortalClient;
  private readonly outbox = new OutboxWriter(REGULATOR_SCHEMA);
  private readonly attempts: Counter<'outcome'>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ReportsRepository,
    @Inject(REGULATOR_CONFIG) private readonly config: RegulatorApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: Registry,
  ) {
    this.portal = new PortalClient(config.REGULATOR_PORTAL_URL, config.REGULATOR_PORTAL_TIMEOUT_MS);
    this.attempts = new Counter({
      name: 'regulator_report_submissions_total',
      help: 'Report submissions to the regulator portal, by outcome (filed, retry).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.loop = new WorkerLoop({
      logger,
      pass: () => this.pass(),
      idleMs: config.REGULATOR_SUBMIT_POLL_MS,
      failureMessage: 'report submission pass failed',
    });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Wakes the loop after a new report was stored. */
  wakeUp(): void {
    this.loop.wakeUp();
  }

  async pass(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = await this.reports.claimDue(manager, 10);
      for (const report of due) {
        try {
          const receipt = await this.portal.submit(report.jws);
          await this.reports.markFiled(manager, report.report_id, receipt, receipt);
          await this.outbox.append(manager, [this.filedEvent(report, receipt.receiptId, new Date(receipt.receivedAt))]);
          this.attempts.inc({ outcome: 'filed' });
          this.logger.info(
            { reportId: report.report_id, incidentId: report.incident_id, receiptId: receipt.receiptId },
            'report filed with the regulator',
          );
        } catch (error) {
          if (!(error instanceof PortalUnavailable)) throw error;
          const delay = retryDelayMs(
            report.attempts + 1,
            this.config.REGULATOR_SUBMIT_RETRY_MS,
            this.config.REGULATOR_SUBMIT_RETRY_MAX_MS,
          );
          await this.reports.markRetry(manager, report.report_id, error.message, delay);
          this.attempts.inc({ outcome: 'retry' });
          this.logger.warn(
            { reportId: report.report_id, attempt: report.attempts + 1, retryInMs: delay, reason: error.message },
            'report not yet filed; retrying',
          );
        }
      }
      return due.length;
    });
  }

  private filedEvent(report: StoredReport, receiptId: string, filedAt: Date) {
    const event = create(RegulatorReportFiledSchema, {
      reportId: report.report_id,
      incidentId: report.incident_id,
      revision: report.revision,
      jurisdiction: report.jurisdiction,
      regulatorId: report.regulator_id,
      obligationId: report.obligation_ids[0] ?? '',
      kind: KINDS[report.kind] ?? ReportKind.UNSPECIFIED,
      filedAt: timestampFromDate(filedAt),
      receiptId,
    });
    return {
      topic: Topics.regulatorReports,
      key: report.incident_id,
      payload: toBinary(RegulatorReportFiledSchema, event),
    };
  }
}
