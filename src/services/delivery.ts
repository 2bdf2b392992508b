import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../store/tables.js';
import { addDays, localDate } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import type { DigestView } from '../domain/schemas.js';
import type { ServiceContext } from './context.js';
import { digestHtml, digestSubject, digestText, scorecardCsv } from '../notify/digest-render.js';
import type { DigestService } from './digests.js';
import { digestMarkdown, urgentMarkdown, type RobotMessage } from '../notify/robot-markdown.js';
import { postRobot, type Robot } from '../notify/robot-send.js';

// Sends a day's digests once per address, once to the webhook and once to each group robot
// (DingTalk, WeCom), and urgent violations to the robots. A delivery row is claimed before it is
// sent (so two processes never send the same one), marked sent after, and a failed one is tried
// again by the next run of that day, at most MAX_RUNS times. The webhook and the robots retry
// within a run with exponential backoff.
//
// A robot's rows are the webhook channel's, told apart by their recipient: the variable that
// configures the robot (DINGTALK_WEBHOOK, WECOM_WEBHOOK; the webhook's is WEBHOOK_URL), and for
// an urgent violation that name, a space and the violation's id. The address itself, which
// carries the robot's credential, is never stored.

export interface DeliveryConfig {
  smtpUrl: string | null;
  digestFrom: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** first backoff between webhook tries; doubled each time */
  webhookRetryBaseMs: number;
  /** DINGTALK_WEBHOOK, DINGTALK_SECRET, WECOM_WEBHOOK: the group robots (unset: none) */
  dingtalkWebhook?: string | null;
  dingtalkSecret?: string | null;
  wecomWebhook?: string | null;
}

/**
 * Violations a county office acts on the same day: an inspection at an enterprise's door with no
 * filing, an inspector's conduct, a second entry under one filing. The first two are the ones that
 * veto an agency's appraisal (一票否决).
 */
export const URGENT_KINDS = ['unfiled_inspection', 'conduct', 'repeated_entry'] as const;
/** violations raised this long ago or less are sent when found unsent (a robot configured later sends no history) */
const URGENT_WINDOW_MS = 24 * 3_600_000;

export function robotsOf(cfg: DeliveryConfig): Robot[] {
  const robots: Robot[] = [];
  if (cfg.dingtalkWebhook)
    robots.push({ name: 'dingtalk', env: 'DINGTALK_WEBHOOK', url: cfg.dingtalkWebhook, secret: cfg.dingtalkSecret ?? null });
  if (cfg.wecomWebhook) robots.push({ name: 'wecom', env: 'WECOM_WEBHOOK', url: cfg.wecomWebhook, secret: null });
  return robots;
}

/** What a delivery row sends: mail, the signed webhook, or a robot's digest or urgent notice. */
type Target = { kind: 'mail' } | { kind: 'webhook' } | { kind: 'robot'; robot: Robot; violationId: string | null };

const WEBHOOK_TRIES = 4;
const MAX_RUNS = 5;
/** a claim older than this was left by a process that died while sending */
const STALE_CLAIM_MS = 10 * 60_000;

export const signBody = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

export function createDelivery(ctx: ServiceContext, cfg: DeliveryConfig, digests: DigestService) {
  const transport = cfg.smtpUrl ? nodemailer.createTransport(cfg.smtpUrl) : null;
  const robots = robotsOf(cfg);

  /** `attempt` up to WEBHOOK_TRIES times, with exponential backoff between tries. */
  async function withRetries(what: string, attempt: () => Promise<void>): Promise<void> {
    let lastError = '';
    for (let i = 0; i < WEBHOOK_TRIES; i++) {
      if (i) await new Promise((r) => setTimeout(r, cfg.webhookRetryBaseMs * 2 ** (i - 1)));
      try {
        await attempt();
        return;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    throw new Error(`${what} failed after ${WEBHOOK_TRIES} tries: ${lastError}`);
  }

  async function postWebhook(body: string): Promise<void> {
    await withRetries('webhook', async () => {
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
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    });
  }

  const targetOf = (d: { channel: 'mail' | 'webhook'; recipient: string }): Target | null => {
    if (d.channel === 'mail') return { kind: 'mail' };
    if (d.recipient === 'WEBHOOK_URL') return { kind: 'webhook' };
    const [env, violationId] = d.recipient.split(' ');
    const robot = robots.find((r) => r.env === env);
    return robot ? { kind: 'robot', robot, violationId: violationId ?? null } : null;
  };
  /** the metrics' channel: a robot by its name */
  const channelLabel = (t: Target | null, channel: string) => (t?.kind === 'robot' ? t.robot.name : channel);

  async function urgentMessage(violationId: string): Promise<RobotMessage> {
    const v = await ctx.db
      .selectFrom('violations as v')
      .leftJoin('enterprises as e', 'e.uscc', 'v.enterprise_uscc')
      // a violation raised against a registered agency carries its id, not always its name
      .leftJoin('agencies as a', 'a.id', 'v.agency_id')
      .select((eb) => [
        'v.id',
        'v.kind',
        'v.source',
        eb.fn.coalesce('a.name', 'v.agency_name').as('agency_name'),
        'v.enterprise_uscc',
        'e.name as enterprise_name',
        'v.occurred_at',
        'v.description',
      ])
      .where('v.id', '=', violationId)
      .executeTakeFirstOrThrow();
    return urgentMarkdown(
      {
        id: v.id,
        kind: v.kind,
        source: v.source,
        agencyName: v.agency_name,
        enterpriseUscc: v.enterprise_uscc,
        enterpriseName: v.enterprise_name,
        occurredAt: v.occurred_at,
        description: v.description,
      },
      ctx.publicUrl,
      ctx.tz,
    );
  }

  async function send(d: { channel: 'mail' | 'webhook'; recipient: string; scopes: string[]; day: string }, target: Target): Promise<void> {
    if (target.kind === 'robot') {
      const { robot, violationId } = target;
      const msg = violationId
        ? await urgentMessage(violationId)
        : digestMarkdown(await Promise.all(d.scopes.map((s) => digests.stored(ctx.db, d.day, s))), ctx.publicUrl);
      // the service's clock signs: DingTalk refuses a timestamp more than an hour off its own
      await withRetries(robot.name, () => postRobot(robot, msg, ctx.clock.now()));
      return;
    }
    const list: DigestView[] = [];
    for (const scope of d.scopes) list.push(await digests.stored(ctx.db, d.day, scope));
    if (target.kind === 'webhook') {
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
        const target = targetOf(d);
        // a channel this process has no address for is left for one that has
        if (!target || (target.kind === 'mail' && !transport) || (target.kind === 'webhook' && !cfg.webhookUrl)) continue;
        const channel = channelLabel(target, d.channel);
        const claimed = await ctx.db
          .updateTable('digest_deliveries')
          .set({ status: 'sending', claimed_at: ctx.clock.now(), attempts: sql`attempts + 1` })
          .where('id', '=', d.id)
          .where(claimable)
          .returning('id')
          .executeTakeFirst();
        if (!claimed) continue;
        try {
          await send({ ...d, day }, target);
          await ctx.db
            .updateTable('digest_deliveries')
            .set({ status: 'sent', sent_at: ctx.clock.now(), last_error: null })
            .where('id', '=', d.id)
            .execute();
          ctx.metrics.deliveries.inc({ channel, outcome: 'sent' });
          sent++;
        } catch (err) {
          const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
          await ctx.db.updateTable('digest_deliveries').set({ status: 'failed', last_error: message }).where('id', '=', d.id).execute();
          ctx.metrics.deliveries.inc({ channel, outcome: 'failed' });
          // the address is personal data, a robot's carries its credential: the log names the delivery, not the recipient
          ctx.log.warn({ delivery: d.id, channel, day, error: message }, 'digest delivery failed; the next run of the day tries again');
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

    /** The day's digest queued for each group robot (after the digest job's commit; once per day and robot). */
    async queueRobots(day: string): Promise<number> {
      if (!robots.length) return 0;
      const rows = await ctx.db
        .insertInto('digest_deliveries')
        .values(
          robots.map((r) => ({
            id: newId('dlv'),
            day,
            channel: 'webhook' as const,
            recipient: r.env,
            scopes: [''],
            status: 'pending' as const,
          })),
        )
        .onConflict((oc) => oc.columns(['day', 'channel', 'recipient']).doNothing())
        .returning('id')
        .execute();
      return rows.length;
    },

    /**
     * Urgent violations raised in the last day and still open that no robot was sent yet: queued
     * once per robot, and sent with the deliveries of their day (so failures retry like digests).
     */
    async notifyUrgent(): Promise<{ queued: number; sent: number; failed: number }> {
      if (!robots.length) return { queued: 0, sent: 0, failed: 0 };
      const now = ctx.clock.now();
      const raised = await ctx.db
        .selectFrom('violations')
        .select(['id', 'raised_at'])
        .where('kind', 'in', [...URGENT_KINDS])
        .where('status', 'in', ['open', 'acknowledged'])
        .where('raised_at', '>=', new Date(now.getTime() - URGENT_WINDOW_MS))
        .orderBy('raised_at')
        .execute();
      if (!raised.length) return { queued: 0, sent: 0, failed: 0 };
      const rows = raised.flatMap((v) =>
        robots.map((r) => ({
          id: newId('dlv'),
          day: localDate(v.raised_at, ctx.tz),
          channel: 'webhook' as const,
          recipient: `${r.env} ${v.id}`,
          scopes: [],
          status: 'pending' as const,
        })),
      );
      const queued = await ctx.db
        .insertInto('digest_deliveries')
        .values(rows)
        .onConflict((oc) => oc.columns(['day', 'channel', 'recipient']).doNothing())
        .returning('id')
        .execute();
      const dayOf = new Map(rows.map((r) => [r.id, r.day]));
      const total = { queued: queued.length, sent: 0, failed: 0 };
      // queued earlier and not sent yet (a failure) are tried again by retryRecent, with the rest of their day
      for (const day of new Set(queued.map((q) => dayOf.get(q.id)!))) {
        const r = await this.deliver(day);
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
