import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { signBody } from '../../src/services/delivery.js';

// The outside world digests go to: a real SMTP server and a webhook receiver, on loopback.

/** A real SMTP server on loopback that keeps every mail it is given, parsed. */
export async function smtpSink(): Promise<{ url: string; mails: ParsedMail[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m);
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A webhook receiver that checks the signature and answers with the statuses it is told, in turn. */
export async function webhookSink(
  secret: string,
  statuses: number[],
): Promise<{
  url: string;
  received: { valid: boolean; body: { event: string; date: string; digests: unknown[] } }[];
  calls: () => number;
  close(): Promise<void>;
}> {
  const received: { valid: boolean; body: { event: string; date: string; digests: unknown[] } }[] = [];
  let calls = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = statuses[Math.min(calls, statuses.length - 1)] ?? 200;
      calls++;
      if (status === 200) received.push({ valid: req.headers['x-signature'] === signBody(raw, secret), body: JSON.parse(raw) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/digest`,
    received,
    calls: () => calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
