import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../store/tables.js';
import { addDays, localDate } from '../domain/calendar.js';
import type { DigestView } from '../domain/schemas.js';
import type { ServiceContext } from './context.js';
import { digestHtml, digestSubject, digestText, scorecardCsv } from '../notify/digest-render.js';
import type { DigestService } from './digests.js';

// Sends a day's digests once per address and once to the webhook. A delivery row is claimed
// before it is sent (so two processes never send the same one), marked sent after, and a failed
// one is tried again by the next run of that day, at most MAX_RUNS times. The webhook retries
// within a run with exponential backoff.

export interface DeliveryConfig {
  smtpUrl: string | null;
  digestFrom: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** first backoff between webhook tries; doubled each time */
  webhookRetryBaseMs: number;
}

const WEBHOOK_TRIES = 4;
const MAX_RUNS = 5;
/** a claim older than this was left by a process that died while sending */
const STALE_CLAIM_MS = 10 * 60_000;

export const signBody = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

export function createDelivery(ctx: ServiceContext, cfg: DeliveryConfig, digests: DigestService) {
  const transport = cfg.smtpUrl ? nodemailer.createTransport(cfg.smtpUrl) : null;

  async function postWebhook(body: string): Promise<{ tries: number }> {
    let lastError = '';
    for (let i = 0; i < WEBHOOK_TRIES; i++) {
      if (i) await new Promise((r) => setTimeout(r, cfg.webhookRetryBaseMs * 2 ** (i - 1)));
      try {
        const res = await fetch(cfg.webhookUrl!, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Signature': signBody(body, cfg.webhookSecret!),
            'User-Agent': 'inspection-filing',
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) return { tries: i + 1 };
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    throw new Error(`webhook failed after ${WEBHOOK_TRIES} tries: ${lastError}`);
  }

  async function send(d: { channel: 'mail' | 'webhook'; recipient: string; scopes: string[]; day: string }): Promise<void> {
    const list: DigestView[] = [];
    for (const scope of d.scopes) list.push(await digests.stored(ctx.db, d.day, scope));
    if (d.channel === 'webhook') {
      await postWebhook(JSON.stringify({ event: 'digest', date: d.day, digests: list }));
      return;
    }
    if (!transport || !cfg.digestFrom) throw new Error('SMTP_URL is not set');
    await transport.sendMail({
      from: cfg.digestFrom,
      to: d.recipient,
      subject: digestSubject(d.day),
      text: digestText(list),
      html: digestHtml(list),
      attachments: list.map((x) => ({
        filename: `scorecard-${d.day}${x.regions.length ? `-${x.regions.join('_')}` : ''}.csv`,
        content: scorecardCsv(x.scorecard),
        contentType: 'text/csv; charset=utf-8',
      })),
    });
  }

  return {
    async deliver(day: string): Promise<{ sent: number; failed: number }> {
      const now = ctx.clock.now();
      // not sent yet, or failed, or left mid-send by a process that died
      const claimable = (eb: ExpressionBuilder<DB, 'digest_deliveries'>) =>
        eb.or([
          eb('status', 'in', ['pending', 'failed']),
          eb.and([eb('status', '=', 'sending'), eb('claimed_at', '<', new Date(now.getTime() - STALE_CLAIM_MS))]),
        ]);
      const due = await ctx.db
        .selectFrom('digest_deliveries')
        .select(['id', 'channel', 'recipient', 'scopes'])
        .where('day', '=', day)
        .where('attempts', '<', MAX_RUNS)
        .where(claimable)
        .orderBy('id')
        .execute();
      let sent = 0;
      let failed = 0;
      for (const d of due) {
        if (d.channel === 'mail' && !transport) continue;
        if (d.channel === 'webhook' && !cfg.webhookUrl) continue;
        const claimed = await ctx.db
          .updateTable('digest_deliveries')
          .set({ status: 'sending', claimed_at: ctx.clock.now(), attempts: sql`attempts + 1` })
          .where('id', '=', d.id)
          .where(claimable)
          .returning('id')
          .executeTakeFirst();
        if (!claimed) continue;
        try {
          await send({ ...d, day });
          await ctx.db
            .updateTable('digest_deliveries')
            .set({ status: 'sent', sent_at: ctx.clock.now(), last_error: null })
            .where('id', '=', d.id)
            .execute();
          ctx.metrics.deliveries.inc({ channel: d.channel, outcome: 'sent' });
          sent++;
        } catch (err) {
          const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
          await ctx.db.updateTable('digest_deliveries').set({ status: 'failed', last_error: message }).where('id', '=', d.id).execute();
          ctx.metrics.deliveries.inc({ channel: d.channel, outcome: 'failed' });
          // the address is personal data: the log names the delivery, not the recipient
          ctx.log.warn(
            { delivery: d.id, channel: d.channel, day, error: message },
            'digest delivery failed; the next run of the day tries again',
          );
          failed++;
        }
      }
      return { sent, failed };
    },

    /** Deliveries of the last `days` days still pending, failed or left mid-send: tried again (the hourly sweep calls this). */
    async retryRecent(days: number): Promise<{ sent: number; failed: number }> {
      const since = addDays(localDate(ctx.clock.now(), ctx.tz), -days);
      const due = await ctx.db
        .selectFrom('digest_deliveries')
        .select(sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'))
        .distinct()
        .where('day', '>=', since)
        .where('status', '<>', 'sent')
        .where('attempts', '<', MAX_RUNS)
        .execute();
      const total = { sent: 0, failed: 0 };
      for (const d of due) {
        const r = await this.deliver(d.day);
        total.sent += r.sent;
        total.failed += r.failed;
      }
      return total;
    },

    close(): void {
      transport?.close();
    },
  };
}
export type Delivery = ReturnType<typeof createDelivery>;
