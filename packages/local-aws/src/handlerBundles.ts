import path from 'node:path';
import { buildSync } from 'esbuild';
import type { Metafile } from 'esbuild';
import { serviceConfig, serviceDir } from './serverlessCli';
import type { ServiceName } from './serverlessCli';

/** A function of one of the services: where its handler's source is and the NODE_OPTIONS it deploys with. */
export interface HandlerEntry {
  service: ServiceName;
  fn: string;
  /** The handler's TypeScript module. */
  entry: string;
  /** The exported handler's name (`handler` in `src/handlers/x.handler`). */
  exportName: string;
  nodeOptions: string;
}

/** Every function of the three services, as their serverless.yml declare them. */
export function handlerEntries(services: readonly ServiceName[] = ['extract', 'transform', 'load']): HandlerEntry[] {
  return services.flatMap((service) => {
    const config = serviceConfig(service);
    return Object.entries(config.functions).map(([fn, { handler }]) => {
      const dot = handler.lastIndexOf('.');
      return {
        service,
        fn,
        entry: path.join(serviceDir(service), `${handler.slice(0, dot)}.ts`),
        exportName: handler.slice(dot + 1),
        nodeOptions: config.provider.environment?.NODE_OPTIONS ?? '',
      };
    });
  });
}

/**
 * Bundles a handler as serverless-esbuild does for deployment (bundle everything, minify, source
 * map, node20, CommonJS, ES module builds of dependencies first) into `outfile`; returns
 * esbuild's metafile.
 */
export function bundleHandler(handler: HandlerEntry, outfile: string): Metafile {
  const { metafile } = buildSync({
    entryPoints: [handler.entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    mainFields: ['module', 'main'],
    outfile,
    metafile: true,
    logLevel: 'warning',
  });
  return metafile!;
}
