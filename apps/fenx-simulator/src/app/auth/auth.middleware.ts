import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { errorEnvelope, UNAUTHORIZED_BODY } from '../api/fenx-envelope';
import { TokenService } from './token.service';

/** Every FenX API call needs a valid bearer token and the token's tenant in X-TENANT-ID. */
@Injectable()
export class AuthMiddleware implements NestMiddleware {
  constructor(private readonly tokens: TokenService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const check = this.tokens.check(req.headers.authorization);
    if (!check.ok) {
      res.status(401).json(UNAUTHORIZED_BODY);
      return;
    }
    const tenant = req.headers['x-tenant-id'];
    if (typeof tenant !== 'string' || tenant.trim() === '') {
      res.status(403).json(errorEnvelope('FORBIDDEN', ['The X-TENANT-ID header is required'], 'Forbidden'));
      return;
    }
    if (tenant.trim().toLowerCase() !== check.token.tenantId.toLowerCase()) {
      res.status(403).json(errorEnvelope('FORBIDDEN', [`Access to tenant ${tenant} is denied`], 'Forbidden'));
      return;
    }
    next();
  }
}
