import { BadRequestException } from '@nestjs/common';

/** A non-negative integer query parameter, or undefined when absent. */
export function optionalIndex(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new BadRequestException(`${name} must be a non-negative integer`);
  return Number(value);
}

export function requiredIndex(name: string, value: unknown): number {
  const index = optionalIndex(name, value);
  if (index === undefined) throw new BadRequestException(`${name} is required`);
  return index;
}
