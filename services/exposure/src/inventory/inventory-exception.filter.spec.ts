import { DomainException } from '@bnp/errors';
import type { ArgumentsHost } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { FailureDisposition, MessageFailure } from '@bnp/messaging';
import { InventoryKafkaExceptionFilter } from './inventory-exception.filter';
import { InventoryErrorCode } from './inventory.exception';

async function failureOf(exception: unknown): Promise<unknown> {
  const sut = new InventoryKafkaExceptionFilter();
  return lastValueFrom(sut.catch(exception, {} as ArgumentsHost)).catch((error: unknown) => error);
}

describe(InventoryKafkaExceptionFilter.name, () => {
  it.each([
    InventoryErrorCode.MalformedChange,
    InventoryErrorCode.MissingField,
    InventoryErrorCode.InvalidField,
    InventoryErrorCode.InvalidMsisdn,
    InventoryErrorCode.InvalidCnic,
    InventoryErrorCode.InvalidEmail,
    InventoryErrorCode.KeyMismatch,
  ])('dead-letters %s at once', async (code) => {
    const failure = await failureOf(new DomainException(code, 'why'));
    expect(failure).toBeInstanceOf(MessageFailure);
    expect(failure).toMatchObject({ disposition: FailureDisposition.DeadLetter, code, message: 'why' });
  });

  it.each([
    InventoryErrorCode.UnknownSubscriber,
    InventoryErrorCode.UnknownAsset,
    InventoryErrorCode.NumberInUse,
    InventoryErrorCode.ImportRunning,
  ])('retries %s (another change may settle it), keeping the code for the dead-letter topic', async (code) => {
    expect(await failureOf(new DomainException(code, 'why'))).toMatchObject({
      disposition: FailureDisposition.Retry,
      code,
    });
  });

  it('leaves other errors to the consumer, which retries them', async () => {
    const error = new Error('connection reset');
    expect(await failureOf(error)).toBe(error);
  });
});
