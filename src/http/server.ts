import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

/**
 * Connection limits. Node's defaults let a client that sends its headers one byte a second hold
 * a connection for over a minute (the check runs every 30 s, the header limit is 60 s); a few
 * hundred such clients take the service down. Here the headers must arrive within 10 s, checked
 * every second, and a whole request within 30 s: a 64 KB body at 4 KB/s still gets through.
 */
export const HTTP_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
} as const;

export function createHttpServer(app: Express): Server {
  const server = createServer(
    {
      headersTimeout: HTTP_LIMITS.headersTimeout,
      requestTimeout: HTTP_LIMITS.requestTimeout,
      connectionsCheckingInterval: HTTP_LIMITS.connectionsCheckingInterval,
    },
    app,
  );
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeout;
  return server;
}
