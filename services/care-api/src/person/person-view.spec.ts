import { LogChannel, LogEntryKind, PiiCategory, RiskTier } from '@bnp/contracts';
import { personView, reachOf, type LogRecord, type PersonRecords } from './person-view';

let entryCounter = 0;
function logEntry(overrides: Partial<LogRecord> = {}): LogRecord {
  entryCounter += 1;
  return {
    entry_id: `E-${entryCounter}`,
    occurred_at: new Date(Date.UTC(2026, 2, 5, 10, entryCounter)),
    source: 'notifier',
    incident_id: 'INC-1',
    revision: 1,
    subject_id: 'N-1',
    kind: LogEntryKind.STATUS_CHANGED,
    channel: LogChannel.SMS,
    status: 'sent',
    template_id: 'breach.sms.ur',
    template_version: '3',
    recipient_masked: '+92 3** *** **67',
    error_code: '',
    detail: '',
    ...overrides,
  };
}

function records(overrides: Partial<PersonRecords> = {}): PersonRecords {
  return {
    personId: 'P-1',
    revisions: [
      {
        incident_id: 'INC-1',
        revision: 1,
        change: 1,
        categories: [PiiCategory.NAME, PiiCategory.CNIC],
        new_categories: [PiiCategory.NAME, PiiCategory.CNIC],
        tier: RiskTier.HIGH,
        policy_version: '2026-11-25.1',
        policy_rule: 'identity-sim-or-financial',
        actions: [1, 4],
        language: 'ur',
        email_masked: null,
        dry_run: false,
        detected_at: null,
        received_at: new Date(),
        numbers: [{ subscriberId: 'S-1', msisdnMasked: '+92 3** *** **67', stillHeld: true }],
      },
    ],
    log: [],
    enrollments: [],
    pausedIncidents: [],
    ...overrides,
  };
}

describe(reachOf.name, () => {
  const sut = reachOf;

  it('counts a delivered SMS as notified', () => {
    expect(sut([logEntry({ status: 'sent' }), logEntry({ status: 'delivered' })])).toBe('notified');
  });

  it('is unreachable once the notifier gave up and nothing arrived', () => {
    const undelivered = logEntry({ status: 'undelivered', error_code: '30003' });
    expect(sut([undelivered, logEntry({ kind: LogEntryKind.UNREACHABLE, status: 'unreachable' })])).toBe('unreachable');
  });

  it('leaves unreachable when a phone notice is recorded', () => {
    const gaveUp = logEntry({ kind: LogEntryKind.UNREACHABLE, status: 'unreachable' });
    expect(sut([gaveUp, logEntry({ status: 'phone_notice', channel: LogChannel.UNSPECIFIED })])).toBe('notified');
  });

  it('is pending while an SMS is only sent', () => {
    expect(sut([logEntry({ status: 'sent' })])).toBe('pending');
  });

  it('never counts a delivered one-time code (care code, activation code) as the notice reaching them', () => {
    const gaveUp = logEntry({ kind: LogEntryKind.UNREACHABLE, status: 'unreachable' });
    for (const template of ['care-code.sms.ur', 'activation.sms.en'])
      expect(sut([gaveUp, logEntry({ status: 'delivered', template_id: template })])).toBe('unreachable');
  });
});

describe(personView.name, () => {
  const sut = personView;

  it('says which rule set the tier, in words, per revision', () => {
    const view = sut(records());
    expect(view.incidents[0]!.revisions[0]).toMatchObject({
      categories: ['NAME', 'CNIC'],
      tier: 'HIGH',
      rule: { id: 'identity-sim-or-financial', words: expect.stringContaining('SIM cloning') },
    });
  });

  it("puts Twilio's error in words on the notice timeline, with language and template version", () => {
    const view = sut(records({ log: [logEntry({ status: 'undelivered', error_code: '30005' })] }));
    expect(view.notices[0]).toMatchObject({
      noticeId: 'N-1',
      language: 'ur',
      templateVersion: '3',
      timeline: [{ status: 'undelivered', error: expect.stringContaining('no longer in service') }],
    });
  });

  it('shows a protection command with its acknowledgement', () => {
    const command = { subject_id: 'C-1', channel: LogChannel.OPERATOR_SYSTEM };
    const view = sut(
      records({
        log: [
          logEntry({ ...command, kind: LogEntryKind.PROTECTION_COMMAND_SENT, status: 'sent' }),
          logEntry({ ...command, kind: LogEntryKind.PROTECTION_ACKNOWLEDGED, status: 'applied' }),
        ],
      }),
    );
    expect(view.protection).toEqual([
      expect.objectContaining({ commandId: 'C-1', acknowledgement: expect.objectContaining({ outcome: 'applied' }) }),
    ]);
    expect(view.notices).toEqual([]);
  });

  it('takes the enrollment state from its latest change', () => {
    const enrollment = {
      enrollment_id: 'EN-1',
      incident_id: 'INC-1',
      enroll_by: null,
      monitoring_months: 12,
      actions: [1],
      protected_subscriptions: 1,
    };
    const changes = [
      logEntry({ subject_id: 'EN-1', kind: LogEntryKind.ENROLLMENT_CREATED, status: 'pending_activation' }),
      logEntry({ subject_id: 'EN-1', kind: LogEntryKind.ENROLLMENT_CHANGED, status: 'opted_out' }),
    ];
    expect(sut(records({ enrollments: [enrollment], log: changes })).enrollments[0]!.state).toBe('opted_out');
  });
});
