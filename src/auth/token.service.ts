import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Role } from '../core/permissions';

export const ACCESS_TOKEN_TYPE = 'access';
const ALGORITHM = 'HS256';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessClaims {
  sub: string;
  sid: string;
  ver: number;
  role: Role;
  typ: typeof ACCESS_TOKEN_TYPE;
}

/** Verified claims: `exp` (seconds since the epoch) is always there. */
export type VerifiedAccessClaims = AccessClaims & { exp: number };

/**
 * Signs and verifies access tokens (HS256 only, with `iss`, `aud`, `exp` and `typ` checked) with the key JwtModule
 * holds.
 */
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

  /** The claims of a valid access token, or null for anything else (bad signature, alg, iss, aud, exp, typ, ids). */
  verifyAccess(token: string): VerifiedAccessClaims | null {
    const auth = this.config.get('auth', { infer: true });
    try {
      const claims = this.jwt.verify<AccessClaims & { iat: number; exp?: unknown }>(token, {
        algorithms: [ALGORITHM],
        issuer: auth.issuer,
        audience: auth.audience,
      });
      // exp is required (jsonwebtoken checks it only when present); ids are compared to uuid columns
      if (claims.typ !== ACCESS_TOKEN_TYPE || !UUID.test(String(claims.sub)) || !UUID.test(String(claims.sid))) return null;
      if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp) || !Number.isInteger(claims.ver)) return null;
      return claims as VerifiedAccessClaims;
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
