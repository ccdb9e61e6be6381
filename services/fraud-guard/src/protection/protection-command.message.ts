import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { LogChannel, LogEntryKind, ProtectionCommandSchema, Topics, encodeMessage } from '@bnp/contracts';
import type { OutboxMessage } from '@bnp/messaging';
import { logEntryMessage } from '../notification-log';
import { actionNames } from '../enrollment/protection-request';
import type { ProtectionCommandEntity } from './protection-command.entity';

export type CommandToSend = Pick<
  ProtectionCommandEntity,
  | 'commandId'
  | 'incidentId'
  | 'personId'
  | 'subscriberId'
  | 'exposureRevision'
  | 'actions'
  | 'msisdnCiphertext'
  | 'msisdnMasked'
  | 'issuedAt'
  | 'attempt'
>;

/** The command on `fraud.protection.v1` (keyed by subscriber) and its notification log entry. */
export function protectionCommandMessages(command: CommandToSend): OutboxMessage[] {
  return [
    {
      topic: Topics.fraudProtection,
      key: command.subscriberId,
      payload: encodeMessage(ProtectionCommandSchema, {
        commandId: command.commandId,
        incidentId: command.incidentId,
        personId: command.personId,
        subscriberId: command.subscriberId,
        msisdnCiphertext: command.msisdnCiphertext,
        msisdnMasked: command.msisdnMasked,
        actions: command.actions,
        // The locks hold until the subscriber re-verifies biometrically at a franchise.
        untilBiometricReverification: true,
        issuedAt: timestampFromDate(command.issuedAt),
        attempt: command.attempt,
      }),
      headers: { 'content-type': 'application/protobuf', 'bnp-schema': 'fraud.v1.ProtectionCommand' },
    },
    logEntryMessage({
      incidentId: command.incidentId,
      revision: command.exposureRevision,
      personId: command.personId,
      subjectId: command.commandId,
      kind: LogEntryKind.PROTECTION_COMMAND_SENT,
      channel: LogChannel.OPERATOR_SYSTEM,
      status: command.attempt === 1 ? 'sent' : 'resent',
      recipientMasked: command.msisdnMasked,
      detail: `attempt=${command.attempt} actions=${actionNames(command.actions)}`,
    }),
  ];
}
