import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Role } from '../core/permissions';

export const ACCESS_TOKEN_TYPE = 'access';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  sub: string;
  sid: string;
  ver: number;
  role: Role;
  typ: typeof ACCESS_TOKEN_TYPE;
}

/** Signs and verifies access tokens (HS256 only, with `iss`, `aud`, `exp` and `typ` checked) with the key JwtModule holds. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  get accessTtlSeconds(): number {
    return this.config.get('auth.accessTtlSeconds', { infer: true });
  }

  signAccess(claims: Omit<AccessClaims, 'typ'>): string {
    const auth = this.config.get('auth', { infer: true });
    return this.jwt.sign(
      { ...claims, typ: ACCESS_TOKEN_TYPE },
      {
        algorithm: ALGORITHM,
        issuer: auth.issuer,
        audience: auth.audience,
        expiresIn: auth.accessTtlSeconds,
        jwtid: randomUUID(),
      },
    );
  }

  /** The claims of a valid access token, or null for anything else (bad signature, alg, iss, aud, exp, typ). */
  verifyAccess(token: string): AccessClaims | null {
    const auth = this.config.get('auth', { infer: true });
    try {
      const claims = this.jwt.verify<AccessClaims & { iat: number }>(token, {
        algorithms: [ALGORITHM],
        issuer: auth.issuer,
        audience: auth.audience,
      });
      if (claims.typ !== ACCESS_TOKEN_TYPE || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
        return null;
      }
      return claims;
    } catch {
      return null;
    }
  }

  /** A new opaque refresh token and the hash stored for it. */
  newRefreshToken(): { token: string; hash: string } {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    return { token, hash: hashSecret(token) };
  }
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
