import { createHmac } from 'node:crypto';
import type { RobotMessage } from './robot-markdown.js';

// Posting to a group robot: DingTalk (钉钉自定义机器人, optionally signed: 加签) and WeCom
// (企业微信群机器人). Both answer HTTP 200 also when they refuse a message, with a non-zero
// `errcode` in the body: that is a failure like any other. A robot's address carries its
// credential (DingTalk's access_token, WeCom's key) and DingTalk's secret signs: neither ever
// appears in an error message, so neither reaches a log or the deliveries table.

export type RobotName = 'dingtalk' | 'wecom';

export interface Robot {
  name: RobotName;
  /** the variable it is configured by: what the deliveries table names as its recipient */
  env: 'DINGTALK_WEBHOOK' | 'WECOM_WEBHOOK';
  url: string;
  /** DingTalk's signing secret (DINGTALK_SECRET); null: the robot does not ask for signatures */
  secret: string | null;
}

/** WeCom takes at most 4096 bytes of markdown (UTF-8); DingTalk 20000 in all. */
export const WECOM_MAX_BYTES = 4096;
const DINGTALK_MAX_BYTES = 18_000;

/** DingTalk's signature: HMAC-SHA256 of "timestamp\nsecret" keyed with the secret, base64 (URL-encoded when sent). */
export const dingtalkSign = (timestampMs: number, secret: string) =>
  createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');

/** The address to post to: DingTalk's signed one carries the timestamp and signature. */
export function robotUrl(robot: Robot, now: Date): string {
  if (robot.name !== 'dingtalk' || !robot.secret) return robot.url;
  const ts = now.getTime();
  const sep = robot.url.includes('?') ? '&' : '?';
  return `${robot.url}${sep}timestamp=${ts}&sign=${encodeURIComponent(dingtalkSign(ts, robot.secret))}`;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * The message cut to `max` bytes at a line's end, with a last line that says so and links to
 * the whole of it; whole when it fits.
 */
export function fitMarkdown(msg: RobotMessage, max: number): string {
  if (bytes(msg.text) <= max) return msg.text;
  const tail = `\n\n……（内容较多，已截断）[查看完整摘要](${msg.fullUrl})`;
  const room = max - bytes(tail);
  const kept: string[] = [];
  let used = 0;
  for (const line of msg.text.split('\n')) {
    const size = bytes(line) + 1;
    if (used + size > room) break;
    kept.push(line);
    used += size;
  }
  // a first line longer than the room: cut by characters, never inside one
  if (!kept.length) {
    let s = '';
    for (const ch of msg.text) {
      if (bytes(s + ch) > room) break;
      s += ch;
    }
    kept.push(s);
  }
  return `${kept.join('\n')}${tail}`;
}

export function robotBody(robot: Robot, msg: RobotMessage): string {
  return robot.name === 'dingtalk'
    ? JSON.stringify({ msgtype: 'markdown', markdown: { title: msg.title, text: fitMarkdown(msg, DINGTALK_MAX_BYTES) } })
    : JSON.stringify({ msgtype: 'markdown', markdown: { content: fitMarkdown(msg, WECOM_MAX_BYTES) } });
}

/** An error's words with the robot's credentials taken out (a fetch error may quote the address). */
export function scrub(message: string, robot: Robot): string {
  let out = message;
  const secrets = [robot.url, robot.secret ?? ''];
  try {
    const u = new URL(robot.url);
    for (const v of u.searchParams.values()) secrets.push(v);
  } catch {
    // config.ts refused an address that is not a URL
  }
  for (const s of secrets.filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
  return out;
}

/** One try: resolves when the robot took the message, throws (with credentials scrubbed) when not. */
export async function postRobot(robot: Robot, msg: RobotMessage, now: Date): Promise<void> {
  try {
    const res = await fetch(robotUrl(robot, now), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'inspection-filing' },
      body: robotBody(robot, msg),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    let parsed: { errcode?: unknown; errmsg?: unknown };
    try {
      parsed = JSON.parse(answer) as typeof parsed;
    } catch {
      throw new Error('the answer is not JSON');
    }
    if (parsed.errcode !== 0) {
      const code = typeof parsed.errcode === 'number' ? String(parsed.errcode) : 'missing';
      throw new Error(`errcode ${code}: ${typeof parsed.errmsg === 'string' ? parsed.errmsg.slice(0, 200) : ''}`);
    }
  } catch (err) {
    // eslint-disable-next-line preserve-caught-error -- the cause may quote the address with its credential: only the scrubbed words go on
    throw new Error(scrub(err instanceof Error ? err.message : String(err), robot));
  }
}
