import { Inject, Injectable, Optional, RequestMethod, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { HOLDER_PROOF_VERIFIER, type HolderProofVerifier } from './hooks';
import { ROUTE_POLICY, type RoutePolicy } from './route-policy';

export interface DeclaredRoute {
  method: string;
  path: string;
  controller: string;
  handler: string;
  policy: RoutePolicy | undefined;
}

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/');

/** Every HTTP route the app's controllers declare, with the policy its decorators give it. */
export function declaredRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || typeof wrapper.metatype !== 'function') continue;
    const controllerClass = wrapper.metatype;
    const prefixes = [reflector.get<string | string[] | undefined>(PATH_METADATA, controllerClass) ?? '/'].flat();
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const method = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
      if (method === undefined) continue; // not a route (a Kafka handler or a helper)
      const policy = reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [handler, controllerClass]);
      const paths = [reflector.get<string | string[] | undefined>(PATH_METADATA, handler) ?? '/'].flat();
      for (const prefix of prefixes) {
        for (const path of paths) {
          routes.push({
            method: RequestMethod[method],
            path: joinPath(prefix, path),
            controller: controllerClass.name,
            handler: name,
            policy,
          });
        }
      }
    }
  }
  return routes;
}

/** The problems that stop an app from booting: routes with no declaration, holder-proof routes with no verifier. */
export function undeclaredRouteProblems(routes: DeclaredRoute[], holderProofAvailable: boolean): string[] {
  const problems: string[] = [];
  for (const route of routes) {
    const where = `${route.method} ${route.path} (${route.controller}.${route.handler})`;
    if (!route.policy) problems.push(`${where} declares neither @RequirePermission nor @Public`);
    else if (route.policy.kind === 'permission' && route.policy.orHolderProof && !holderProofAvailable) {
      problems.push(`${where} accepts proof of possession but the app provides no HolderProofVerifier`);
    }
  }
  return problems;
}

/** Refuses to let the app boot when any HTTP route has neither @RequirePermission nor @Public. */
@Injectable()
export class RouteDeclarationCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Optional() @Inject(HOLDER_PROOF_VERIFIER) private readonly holderProof?: HolderProofVerifier,
  ) {}

  onApplicationBootstrap(): void {
    const problems = undeclaredRouteProblems(
      declaredRoutes(this.discovery, this.scanner, this.reflector),
      this.holderProof !== undefined,
    );
    if (problems.length > 0) {
      throw new Error(`refusing to boot: every HTTP route must say who may call it:\n  - ${problems.join('\n  - ')}`);
    }
  }
}
