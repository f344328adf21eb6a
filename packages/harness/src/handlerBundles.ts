import path from 'node:path';
import { buildSync } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';
import { serviceConfig, serviceDir } from './serverlessCli';
import type { ServiceConfig, ServiceName } from './serverlessCli';

/** A function of one of the services: where its handler's source is and the NODE_OPTIONS it deploys with. */
export interface HandlerEntry {
  service: ServiceName;
  fn: string;
  /** The handler's TypeScript module. */
  entry: string;
  /** The exported handler's name (`handler` in `src/handlers/x.handler`). */
  exportName: string;
  nodeOptions: string;
  /** The service's esbuild options (`custom.esbuild` of its serverless.yml, serverless-esbuild's own keys left out). */
  esbuild: BuildOptions;
}

/** Keys of `custom.esbuild` that serverless-esbuild (1.57) reads itself and does not pass to esbuild. */
const PLUGIN_KEYS = new Set([
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
]);

function esbuildOptions(service: ServiceName, config: ServiceConfig): BuildOptions {
  const options = config.custom?.esbuild;
  if (!options) throw new Error(`services/${service}/serverless.yml: no custom.esbuild`);
  return Object.fromEntries(Object.entries(options).filter(([key]) => !PLUGIN_KEYS.has(key))) as BuildOptions;
}

/** Every function of the three services, as their serverless.yml declare them. */
export function handlerEntries(services: readonly ServiceName[] = ['extract', 'transform', 'load']): HandlerEntry[] {
  return services.flatMap((service) => {
    const config = serviceConfig(service);
    const esbuild = esbuildOptions(service, config);
    return Object.entries(config.functions).map(([fn, { handler }]) => {
      const dot = handler.lastIndexOf('.');
      return {
        service,
        fn,
        entry: path.join(serviceDir(service), `${handler.slice(0, dot)}.ts`),
        exportName: handler.slice(dot + 1),
        nodeOptions: config.provider.environment?.NODE_OPTIONS ?? '',
        esbuild,
      };
    });
  });
}

/**
 * Bundles a handler as serverless-esbuild bundles it for deployment — with the esbuild options
 * of its service's serverless.yml — into `outfile`; returns esbuild's metafile.
 */
export function bundleHandler(handler: HandlerEntry, outfile: string): Metafile {
  const { metafile } = buildSync({
    ...handler.esbuild,
    entryPoints: [handler.entry],
    outfile,
    metafile: true,
    logLevel: 'warning',
  });
  return metafile!;
}
