import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of work belongs to, wherever it runs (route, service, repository), so that
 * every log line it writes carries the request id without passing it down by hand.
 */
const requests = new AsyncLocalStorage<{ reqId: string }>();

export const runInRequest = <T>(reqId: string, fn: () => T): T => requests.run({ reqId }, fn);

/** pino's mixin: the current request's id on every line logged inside it. */
export function requestMixin(): { reqId?: string } {
  const store = requests.getStore();
  return store ? { reqId: store.reqId } : {};
}
