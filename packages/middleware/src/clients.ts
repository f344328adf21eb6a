import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/** Builds one client. Called at most once per container per cache key. */
export type ClientFactory<T> = () => T;
export type ClientFactories = Record<string, ClientFactory<unknown>>;
export type Clients<F extends ClientFactories> = { readonly [K in keyof F]: ReturnType<F[K]> };

/**
 * Returns a getter for the clients the factories build, each built on first use and then
 * reused for the life of the container (warm invocations reuse connections and credentials).
 *
 * @example
 * const getClients = cachedClients({ s3: s3Client, sqs: sqsClient });
 * await getClients().s3.send(new HeadObjectCommand({ Bucket, Key }));
 */
export function cachedClients<F extends ClientFactories>(factories: F): () => Clients<F> {
  const built: Partial<Record<keyof F, unknown>> = {};
  const clients = {} as Clients<F>;
  for (const name of Object.keys(factories) as (keyof F)[]) {
    Object.defineProperty(clients, name, {
      enumerable: true,
      get() {
        if (!(name in built)) built[name] = factories[name]!();
        return built[name];
      },
    });
  }
  return () => clients;
}

/** The Lambda context once {@link injectClients} has run. */
export type ContextWithClients<F extends ClientFactories> = Context & { clients: Clients<F> };

/**
 * middy middleware that puts container-cached clients on `context.clients`.
 *
 * @example
 * middy(handler).use(injectClients({ s3: s3Client }));
 * // in the handler: context.clients.s3
 */
export function injectClients<F extends ClientFactories>(factories: F): MiddlewareObj<unknown, unknown, Error, ContextWithClients<F>> {
  const getClients = cachedClients(factories);
  return {
    before: (request) => {
      request.context.clients = getClients();
    },
  };
}
