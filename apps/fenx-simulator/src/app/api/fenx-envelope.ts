import { HttpException } from '@nestjs/common';

export interface FenxMessage {
  message: string;
  type: 'Error' | 'Forbidden';
  errorCode: string;
}

export interface FenxEnvelope<T> {
  data: T;
  messages: FenxMessage[] | null;
}

/** A successful FenX read: `{"data": …, "messages": []}`. */
export function ok<T>(data: T): FenxEnvelope<T> {
  return { data, messages: [] };
}

export function errorEnvelope(
  errorCode: string,
  messages: string[],
  type: FenxMessage['type'] = 'Error',
): FenxEnvelope<null> {
  return { data: null, messages: messages.map((message) => ({ message, type, errorCode })) };
}

/** The 401 body FenX answers for a missing, invalid or expired token. */
export const UNAUTHORIZED_BODY = { message: 'Unauthorized' };

/** An error rendered in FenX's envelope by the exception filter. */
export class FenxHttpError extends HttpException {
  constructor(status: number, errorCode: string, ...messages: string[]) {
    super(errorEnvelope(errorCode, messages, status === 403 ? 'Forbidden' : 'Error'), status);
  }
}

export const notFound = (what: string, id: string) =>
  new FenxHttpError(404, 'NOT_FOUND', `${what} ${id} was not found`);
