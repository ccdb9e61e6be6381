import {
  EnrollmentCreatedSchema,
  ExposureChange,
  LogEntryKind,
  NotificationLogEntrySchema,
  ProtectiveAction,
  RiskTier,
  Topics,
  decodeBinary,
} from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { planCommands } from './command-plan';
import type { EnrollmentEntity } from './enrollment.entity';
import {
  commandRows,
  decide,
  outcomeOf,
  partnerEnrollmentIds,
  protectionMessages,
  scopeChanges,
  type CommandsOf,
  type Decision,
} from './protection-plan';
import type { ProtectionRequest, SubscriptionState } from './protection-request';

const { SIM_SWAP_LOCK, PORT_OUT_LOCK, FRAUD_MONITORING } = ProtectiveAction;
const now = new Date('2026-12-07T10:00:00Z');
const terms = { monitoringMonths: 12, enrollByDays: 90, commandResendAfterMs: 300_000 };
const fixedId = () => 'new-id';

function aSubscription(overrides: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    subscriberId: 'S-1',
    stillHeld: true,
    lineType: 1,
    msisdnCiphertext: Buffer.from([1, 2, 3]),
    msisdnMasked: '+92 3** *** **67',
    msisdnBlindIndex: 'ab',
    ...overrides,
  };
}

function aRequest(overrides: Partial<ProtectionRequest> = {}): ProtectionRequest {
  return {
    exposureId: 'EXP-1',
    incidentId: 'INC-1',
    revision: 2,
    personId: 'P-1',
    change: ExposureChange.NEW,
    tier: RiskTier.CRITICAL,
    policyVersion: 'pk-2026.1',
    policyRule: 'R1',
    actions: [SIM_SWAP_LOCK],
    subscriptions: [aSubscription()],
    dryRun: false,
    idempotencyKey: 'INC-1:P-1:r2',
    language: 'ur',
    ...overrides,
  };
}

function anEnrollment(overrides: Partial<EnrollmentEntity> = {}): EnrollmentEntity {
  return {
    id: 'E-1',
    incidentId: 'INC-1',
    personId: 'P-1',
    exposureId: 'EXP-1',
    exposureIdempotencyKey: 'INC-1:P-1:r1',
    createdRevision: 1,
    lastRevision: 1,
    tier: RiskTier.HIGH,
    policyVersion: 'pk-2026.1',
    policyRule: 'R1',
    language: 'ur',
    actions: [SIM_SWAP_LOCK],
    status: 'PENDING_ACTIVATION',
    statusReason: null,
    monitoringMonths: 12,
    monitoringEndsAt: now,
    enrollBy: now,
    activatedAt: null,
    optedOutAt: null,
    expiredAt: null,
    retractedRevision: null,
    failedAttempts: 0,
    lockedUntil: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

const sut = (request: ProtectionRequest, existing?: EnrollmentEntity) => decide(request, existing, now, terms, fixedId);

function logEntries(messages: OutboxMessage[]) {
  return messages
    .filter((message) => message.topic === Topics.notificationLog)
    .map((message) => decodeBinary(NotificationLogEntrySchema, message.payload));
}

describe(decide.name, () => {
  it('enrolls a person seen for the first time, with the configured terms', () => {
    const decision = sut(aRequest());
    expect(decision.kind).toBe('enroll');
    if (decision.kind !== 'enroll') return;
    expect(decision.enrollment).toMatchObject({
      id: 'new-id',
      status: 'PENDING_ACTIVATION',
      createdRevision: 2,
      monitoringMonths: 12,
      enrollBy: new Date('2027-03-07T10:00:00Z'),
      monitoringEndsAt: new Date('2027-12-07T10:00:00Z'),
    });
  });

  it.each([
    ['the same revision again', aRequest({ revision: 1 }), anEnrollment(), 'duplicate'],
    ['an exposure with no actions', aRequest({ actions: [] }), undefined, 'not-protected'],
    ['a retraction of nobody enrolled', aRequest({ change: ExposureChange.RETRACTED }), undefined, 'not-enrolled'],
  ])('skips %s as %s', (_case, request, existing, outcome) => {
    expect(sut(request, existing)).toMatchObject({ kind: 'skip', outcome });
  });

  it('widens an enrollment by the actions a later revision adds', () => {
    const decision = sut(aRequest({ actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK] }), anEnrollment());
    expect(decision).toMatchObject({ kind: 'widen', addedActions: [PORT_OUT_LOCK] });
  });

  it('narrows (and takes nothing back) on a retraction of an enrolled person', () => {
    expect(sut(aRequest({ change: ExposureChange.RETRACTED }), anEnrollment())).toMatchObject({ kind: 'narrow' });
  });
});

describe(scopeChanges.name, () => {
  it('gives a widening the merged actions and new tier, and a narrowing its retraction', () => {
    const widen = sut(aRequest({ actions: [PORT_OUT_LOCK] }), anEnrollment());
    const narrow = sut(aRequest({ change: ExposureChange.RETRACTED, revision: 3 }), anEnrollment({ id: 'E-2' }));
    expect(scopeChanges([widen, narrow, sut(aRequest())])).toEqual([
      {
        id: 'E-1',
        actions: [SIM_SWAP_LOCK, PORT_OUT_LOCK],
        tier: RiskTier.CRITICAL,
        lastRevision: 2,
        retractedRevision: null,
        language: 'ur',
      },
      { id: 'E-2', actions: [SIM_SWAP_LOCK], tier: RiskTier.HIGH, lastRevision: 3, retractedRevision: 3, language: '' },
    ]);
  });
});

describe(partnerEnrollmentIds.name, () => {
  it('tells the partner of new monitoring and of monitoring added to a live enrollment only', () => {
    const monitoring = aRequest({ actions: [SIM_SWAP_LOCK, FRAUD_MONITORING] });
    expect(
      partnerEnrollmentIds([
        sut(monitoring),
        sut(aRequest()),
        sut(monitoring, anEnrollment({ id: 'live' })),
        sut(monitoring, anEnrollment({ id: 'opted-out', status: 'OPTED_OUT' })),
      ]),
    ).toEqual(['new-id', 'live']);
  });
});

describe(commandRows.name, () => {
  const planned = planCommands([aSubscription()], [SIM_SWAP_LOCK]);

  it('sends a command now and schedules its resend', () => {
    const [row] = commandRows('E-1', aRequest(), planned, now, false, 300_000, fixedId);
    expect(row).toMatchObject({ status: 'SENT', lastSentAt: now, nextSendAt: new Date('2026-12-07T10:05:00Z') });
  });

  it('holds a command while the incident is paused, with no resend clock', () => {
    const [row] = commandRows('E-1', aRequest(), planned, now, true, 300_000, fixedId);
    expect(row).toMatchObject({ status: 'HELD', lastSentAt: null, nextSendAt: null });
  });
});

describe(protectionMessages.name, () => {
  const code = Buffer.from('sealed-code');

  function published(decisions: Decision[], commands: Map<string, CommandsOf>) {
    return protectionMessages(decisions, {
      commands,
      codes: new Map([
        ['new-id', code],
        ['E-1', code],
      ]),
      protectedCounts: new Map([['E-1', 3]]),
      now,
    });
  }

  it('publishes the commands, EnrollmentCreated and the log entry of a new enrollment', () => {
    const enroll = sut(aRequest());
    const inserted = commandRows('new-id', aRequest(), planCommands([aSubscription()], [SIM_SWAP_LOCK]), now, false, 1);
    const messages = published([enroll], new Map([['new-id', { inserted, held: false }]]));
    // The command and its log entry, then EnrollmentCreated and the enrollment's log entry.
    expect(messages.map((message) => message.topic)).toEqual([
      Topics.fraudProtection,
      Topics.notificationLog,
      Topics.fraudEnrollments,
      Topics.notificationLog,
    ]);
    const created = decodeBinary(EnrollmentCreatedSchema, messages[2]?.payload ?? new Uint8Array());
    expect(created).toMatchObject({ enrollmentId: 'new-id', protectedSubscriptions: 1 });
  });

  it('publishes no command while it is held, and says so in the log', () => {
    const enroll = sut(aRequest());
    const inserted = commandRows('new-id', aRequest(), planCommands([aSubscription()], [SIM_SWAP_LOCK]), now, true, 1);
    const messages = published([enroll], new Map([['new-id', { inserted, held: true }]]));
    expect(messages.map((message) => message.topic)).not.toContain(Topics.fraudProtection);
    expect(logEntries(messages)[0]?.detail).toContain('held_while_paused=true');
  });

  it('counts the protected numbers on record for a widening, and publishes nothing for a skip', () => {
    const widen = sut(aRequest(), anEnrollment());
    const messages = published([widen, sut(aRequest({ actions: [] }))], new Map());
    const created = decodeBinary(EnrollmentCreatedSchema, messages[0]?.payload ?? new Uint8Array());
    expect(created.protectedSubscriptions).toBe(3);
    expect(logEntries(messages)).toEqual([
      expect.objectContaining({ kind: LogEntryKind.ENROLLMENT_CHANGED, status: 'code_reissued' }),
    ]);
  });

  it('logs a narrowing as protection kept', () => {
    const narrow = sut(aRequest({ change: ExposureChange.RETRACTED }), anEnrollment());
    expect(logEntries(published([narrow], new Map()))).toEqual([
      expect.objectContaining({ status: 'narrowed_protection_kept' }),
    ]);
  });
});

describe(outcomeOf.name, () => {
  it('calls a widening that added neither actions nor commands a code reissue', () => {
    const widen = sut(aRequest(), anEnrollment());
    expect(outcomeOf(widen, new Map())).toBe('code-reissued');
    expect(outcomeOf(sut(aRequest({ actions: [PORT_OUT_LOCK] }), anEnrollment()), new Map())).toBe('widened');
  });
});
