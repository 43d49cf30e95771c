import { Body, Controller, Header, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { TokenService } from './token.service';

type TokenRequest = Record<string, string | undefined>;

function basicCredentials(res: Response): [string, string] | undefined {
  const header = res.req.headers.authorization;
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : [decoded.slice(0, i), decoded.slice(i + 1)];
}

/**
 * The identity server's token endpoint (FenX hosts it at identity.fenergox.com; the simulator
 * serves it itself). OAuth2 errors use RFC 6749's shape, not FenX's envelope.
 */
@Controller('connect')
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  token(@Body() body: TokenRequest, @Res({ passthrough: true }) res: Response) {
    const form = body ?? {};
    if (form['grant_type'] !== 'client_credentials') {
      res.status(400);
      return { error: 'unsupported_grant_type' };
    }
    const [clientId, clientSecret] = basicCredentials(res) ?? [
      form['client_id'] ?? '',
      form['client_secret'] ?? '',
    ];
    if (!this.tokens.clientMatches(clientId, clientSecret)) {
      res.status(400);
      return { error: 'invalid_client' };
    }
    const t = this.tokens.issue(form['scope']);
    return {
      access_token: t.accessToken,
      expires_in: t.expiresIn,
      token_type: 'Bearer',
      scope: t.scope,
    };
  }
}
