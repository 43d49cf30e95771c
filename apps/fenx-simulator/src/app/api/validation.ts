import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FenxHttpError } from './fenx-envelope';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((c) => c.replace(e.property, path));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Validates DTOs with class-validator and answers FenX's envelope with one message per problem. */
export function fenxValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    exceptionFactory: (errors) => new FenxHttpError(400, 'VALIDATION_ERROR', ...flatten(errors)),
  });
}
