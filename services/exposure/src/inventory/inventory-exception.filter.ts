import { DomainException } from '@bnp/errors';
import { Catch } from '@nestjs/common';
import { KafkaExceptionFilter, MessageFailure } from '@bnp/messaging';
import { InventoryErrorCode } from './inventory.exception';

/** Maps inventory change failures to what the Kafka consumer does with the message. */
@Catch()
export class InventoryKafkaExceptionFilter extends KafkaExceptionFilter {
  protected override toFailure(exception: unknown): unknown {
    if (!DomainException.is(exception, InventoryErrorCode)) return exception; // the consumer retries unknown errors
    switch (exception.code) {
      case InventoryErrorCode.MalformedChange:
      case InventoryErrorCode.MissingField:
      case InventoryErrorCode.InvalidField:
      case InventoryErrorCode.InvalidMsisdn:
      case InventoryErrorCode.InvalidCnic:
      case InventoryErrorCode.InvalidEmail:
      case InventoryErrorCode.KeyMismatch:
        // The change itself is wrong: no second try can succeed.
        return MessageFailure.deadLetter(exception.code, exception.message, exception);
      case InventoryErrorCode.UnknownSubscriber:
      case InventoryErrorCode.UnknownAsset:
      case InventoryErrorCode.NumberInUse:
      case InventoryErrorCode.ImportRunning:
        // Another change (on another partition, or in the retry tiers) or the import may settle it: after the last
        // tier the change is dead-lettered with this code, to be redriven once the cause is fixed.
        return MessageFailure.retry(exception.code, exception.message, exception);
    }
  }
}
