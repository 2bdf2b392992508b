import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createHttpServer } from '../../src/http/server.js';
import { harness } from '../support/harness.js';
import { auth, world } from '../support/fixtures.js';

// A client that sends its headers one byte at a time must not hold a connection for minutes;
// a client that uploads a 60 KB body slowly but steadily must still be answered.

describe('connection limits of the HTTP server', function () {
  before(function () {
    // the limits do not depend on the database; the test takes ~12 s, so it runs in one pass
    if (!process.env.DATABASE_URL) this.skip();
  });

  it('drops a client that trickles its headers within ~10 s, while a slow 60 KB upload is answered', async () => {
    const h = await harness();
    const w = await world();
    const server = createHttpServer(h.runtime.app).listen(0);
    const port = (server.address() as AddressInfo).port;
    try {
      const started = performance.now();
      const trickle = new Promise<number>((resolve) => {
        const s = connect(port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '));
        const timer = setInterval(() => s.write('a'), 500);
        s.on('data', () => undefined);
        s.on('error', () => undefined);
        s.on('close', () => {
          clearInterval(timer);
          resolve(performance.now() - started);
        });
      });

      const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(60 * 1024) }));
      const upload = new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => {
          s.write(
            [
              'POST /api/v1/filings/check HTTP/1.1',
              'Host: x',
              `Authorization: ${auth(w.agencyKey).Authorization}`,
              'Content-Type: application/json',
              `Content-Length: ${body.length}`,
              'Connection: close',
              '',
              '',
            ].join('\r\n'),
          );
          // twelve chunks, one a second: longer than the header limit, well within the request limit
          let sent = 0;
          const chunk = Math.ceil(body.length / 12);
          const timer = setInterval(() => {
            s.write(body.subarray(sent, sent + chunk));
            sent += chunk;
            if (sent >= body.length) clearInterval(timer);
          }, 1000);
        });
        let reply = '';
        s.on('data', (d: Buffer) => (reply += d.toString('utf8')));
        s.on('error', reject);
        s.on('close', () => resolve(reply));
      });

      const [droppedAfter, reply] = await Promise.all([trickle, upload]);
      expect(droppedAfter).to.be.below(15_000);
      expect(reply).to.match(/^HTTP\/1\.1 400 /);
      expect(reply).to.include('"code":"validation_failed"');
    } finally {
      server.close();
    }
  });
});
