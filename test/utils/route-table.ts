import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PREFIX, UNPREFIXED_ROUTES } from '../../src/app.factory';
import { AUTHENTICATED_KEY, PERMISSION_KEY } from '../../src/common/auth/auth.decorators';
import { IS_PUBLIC_KEY } from '../../src/common/decorators/public.decorator';
import { Permission } from '../../src/core/permissions';

export interface RouteInfo {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  access: { kind: 'public' } | { kind: 'authenticated' } | { kind: 'permission'; permission: Permission } | { kind: 'undeclared' };
}

const join = (...parts: string[]) => `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/** Every route the application serves, read from its own controllers' metadata. */
export function routeTable(app: NestFastifyApplication): RouteInfo[] {
  const reflector = new Reflector();
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as { prototype: object } & (new (...a: never[]) => unknown);
      if (!type?.prototype) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) ?? '';
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler);
        const verb = Reflect.getMetadata(METHOD_METADATA, handler);
        if (sub === undefined || verb === undefined) continue;
        const raw = join(String(base), String(sub));
        const prefixed = UNPREFIXED_ROUTES.some((route) => join('/', route) === raw) ? raw : join(API_PREFIX, raw);
        const targets = [handler, type];
        const permission = reflector.getAllAndOverride<Permission>(PERMISSION_KEY, targets);
        const access: RouteInfo['access'] = reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)
          ? { kind: 'public' }
          : permission
            ? { kind: 'permission', permission }
            : reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets)
              ? { kind: 'authenticated' }
              : { kind: 'undeclared' };
        routes.push({ method: RequestMethod[verb as RequestMethod] as RouteInfo['method'], path: prefixed, access });
      }
    }
  }
  return routes;
}

/** A concrete URL for a route template: path parameters get a well-formed id that matches nothing. */
export function sampleUrl(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, (_m, name: string) =>
    /version/i.test(name) ? 'no-such-version' : name === 'id' || name.endsWith('Id') ? '00000000-0000-4000-8000-000000000000' : 'x',
  );
}
