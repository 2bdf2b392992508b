import { expect } from 'chai';
import { randomUscc, unique } from './fixtures.js';
import { machineNow } from './server-process.js';

// A registry made through the HTTP API of a server process: one agency with two certified
// inspectors and its key, and a number of enterprises.

export interface RemoteWorld {
  agencyKey: string;
  inspectorIds: string[];
  usccs: string[];
}

export async function remoteWorld(base: string, adminKey: string, enterprises: number, region = '110101'): Promise<RemoteWorld> {
  const post = async (path: string, body: unknown, key = adminKey) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(json)).to.equal(201);
    return json;
  };
  const agency = (await post('/api/v1/agencies', {
    code: unique('REMOTE-'),
    name: '远端测试局',
    region,
    items: [{ code: 'SAFE-01', name: '安全检查', basis: '依据' }],
  })) as { id: string };
  const inspectorIds: string[] = [];
  for (const n of ['1', '2'])
    inspectorIds.push(
      (
        await post(`/api/v1/agencies/${agency.id}/inspectors`, {
          name: `执法员${n}`,
          credentialNo: unique(`LN${n}`),
          validUntil: '2099-12-31',
        })
      ).id as string,
    );
  const agencyKey = (await post('/api/v1/keys', { role: 'agency', name: '备案员', agencyId: agency.id })).key as string;
  const usccs: string[] = [];
  for (let i = 0; i < enterprises; i++) {
    const uscc = randomUscc(region);
    await post('/api/v1/enterprises', { uscc, name: `远端企业${i}`, region, riskClass: 'D' });
    usccs.push(uscc);
  }
  return { agencyKey, inspectorIds, usccs };
}

const HOUR = 3_600_000;
/** Two days ahead of the clock the server process runs on. */
export function remoteFiling(w: RemoteWorld, uscc: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const start = new Date(machineNow().getTime() + 48 * HOUR); // wall-clock: the server process runs on it
  return {
    enterpriseUscc: uscc,
    type: 'routine',
    itemCodes: ['SAFE-01'],
    inspectorIds: w.inspectorIds,
    plannedStart: start.toISOString(),
    plannedEnd: new Date(start.getTime() + 4 * HOUR).toISOString(),
    onSiteJustification: '需现场核实',
    ...over,
  };
}

export async function postFiling(
  base: string,
  w: RemoteWorld,
  body: unknown,
  idempotencyKey?: string,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/v1/filings`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${w.agencyKey}`,
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Registers a complaint ticket for an enterprise in the grounds register (admin), for a case to cite. */
export async function remoteGround(base: string, adminKey: string, uscc: string, reference: string): Promise<void> {
  const res = await fetch(`${base}/api/v1/grounds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'complaint', reference, enterpriseUscc: uscc }),
  });
  if (res.status !== 201) throw new Error(`ground: ${res.status} ${await res.text()}`);
}
