import { Router } from 'express';
import {
  GROUND_KINDS,
  GROUND_STATUSES,
  groundStatusNames,
  triggerLabels,
  type GroundKind,
  type GroundStatus,
} from '../../domain/filing.js';
import type { Lang } from '../../domain/i18n.js';
import { statusNames } from '../../domain/messages.js';
import type { Services } from '../../services/index.js';
import { need, param, web } from '../context.js';
import { page } from '../render.js';
import { text } from '../strings.js';
import { agenciesInScope, badQuery, queryChoice, queryText } from './supervision-scope.js';
import { enterpriseNames } from './supervision-violations.js';

// The grounds register (事由登记簿) on pages: every registered ticket, referral, lead and
// campaign in the supervisor's regions, filtered; one ground with the filings that cite it.

const kindName = (lang: Lang, k: GroundKind) => (k === 'campaign' ? text(lang, 'groundCampaign') : triggerLabels[k][lang]);
const hrefOf = (f: Record<string, string | undefined>, cursor: string) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, cursor })) if (v) q.set(k, v);
  return `/dashboard/grounds?${q.toString()}`;
};

export function groundPages(services: Services): Router {
  const r = Router();

  r.get('/dashboard/grounds', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const agencies = await agenciesInScope(services, p);
    const agency = queryText(req.query, 'agency');
    if (agency && !agencies.some((a) => a.id === agency)) throw badQuery('agency');
    const enterprise = queryText(req.query, 'enterprise', 18)?.toUpperCase();
    if (enterprise && !/^[0-9A-HJ-NP-RT-UW-Y]{18}$/.test(enterprise)) throw badQuery('enterprise');
    const f = {
      kind: queryChoice(req.query, 'kind', GROUND_KINDS),
      status: queryChoice(req.query, 'status', GROUND_STATUSES),
      agency,
      enterprise,
    };
    const cursor = queryText(req.query, 'cursor', 500);
    const list = await services.grounds.list(p, {
      ...(f.kind ? { kind: f.kind } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.agency ? { agency: f.agency } : {}),
      ...(f.enterprise ? { enterprise: f.enterprise } : {}),
      ...(cursor ? { cursor } : {}),
      limit: 50,
    });
    const names = await enterpriseNames(
      services,
      p,
      list.items.map((g) => g.enterpriseUscc),
    );
    const agencyNames = new Map(agencies.map((a) => [a.id, a.name]));
    page(res, 'grounds', text(w.lang, 'groundsTitle'), {
      items: list.items,
      f,
      agencies,
      kinds: GROUND_KINDS,
      statuses: GROUND_STATUSES,
      next: list.nextCursor ? hrefOf(f, list.nextCursor) : null,
      kindName: (k: GroundKind) => kindName(w.lang, k),
      statusName: (s: GroundStatus) => groundStatusNames[s][w.lang],
      enterpriseName: (u: string | null) => (u ? (names.get(u) ?? '') : ''),
      agencyList: (ids: string[]) => (ids.length ? ids.map((id) => agencyNames.get(id) ?? id).join('、') : text(w.lang, 'svAnyAgency')),
    });
  });

  r.get('/dashboard/grounds/:id', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const g = await services.grounds.get(p, param(req, 'id'));
    const [names, agencyNames] = await Promise.all([
      enterpriseNames(services, p, [g.enterpriseUscc]),
      services.registry.agencyNames([...new Set([...g.agencyIds, ...g.filings.map((x) => x.agencyId)])]),
    ]);
    page(res, 'ground-detail', text(w.lang, 'svGroundTitle', { reference: g.reference }), {
      g,
      flash: req.query.done ? text(w.lang, 'statusChanged') : null,
      kindName: (k: GroundKind) => kindName(w.lang, k),
      statusName: (s: GroundStatus) => groundStatusNames[s][w.lang],
      filingStatusName: (s: string) => statusNames[s as keyof typeof statusNames]?.[w.lang] ?? s,
      enterprise: g.enterpriseUscc ? (names.get(g.enterpriseUscc) ?? '') : '',
      agencyName: (id: string) => agencyNames.get(id) ?? id,
      registeredByName: (r: string) => text(w.lang, r === 'agency' ? 'svByAgency' : r === 'hotline' ? 'svByHotline' : 'svBySupervisor'),
    });
  });

  return r;
}
