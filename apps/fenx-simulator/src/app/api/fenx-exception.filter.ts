import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { errorEnvelope, UNAUTHORIZED_BODY } from './fenx-envelope';

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
};

/** Every error leaves in FenX's shapes: the envelope, or `{"message":"Unauthorized"}` for 401. */
@Catch()
export class FenxExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(FenxExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (!(exception instanceof HttpException)) {
      this.logger.error({ err: exception }, 'unexpected error: answered 500');
      res.status(500).json(errorEnvelope('INTERNAL_SERVER_ERROR', ['Internal server error']));
      return;
    }
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (status === HttpStatus.UNAUTHORIZED) {
      res.status(status).json(UNAUTHORIZED_BODY);
      return;
    }
    if (typeof body === 'object' && body !== null && 'data' in body && 'messages' in body) {
      res.status(status).json(body);
      return;
    }
    const raw =
      typeof body === 'object' && body !== null && 'message' in body
        ? (body as { message: unknown }).message
        : exception.message;
    const messages = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    res
      .status(status)
      .json(
        errorEnvelope(
          CODES[status] ?? 'INTERNAL_SERVER_ERROR',
          messages,
          status === 403 ? 'Forbidden' : 'Error',
        ),
      );
  }
}
