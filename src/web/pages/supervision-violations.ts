import { conductChoices } from '../conduct.js';
import { Router } from 'express';
import { dayBounds } from '../../domain/calendar.js';
import type { Principal } from '../../domain/principal.js';
import type { AttemptView, ViolationView } from '../../domain/schemas.js';
import {
  VIOLATION_KINDS,
  VIOLATION_STATUSES,
  violationKindNames,
  violationStatusNames,
  type ViolationKind,
  type ViolationStatus,
} from '../../domain/violation.js';
import type { Services } from '../../services/index.js';
import { need, param, web } from '../context.js';
import { page } from '../render.js';
import { sourceNames, text } from '../strings.js';
import { agenciesInScope, badQuery, queryChoice, queryDay, queryText, type ScopedAgency } from './supervision-scope.js';

// Violations and blocked attempts on pages: a list with filters (status, kind, agency, period),
// the closed ones (resolved, dismissed) kept findable, and one violation with its history.

const STATUS_CHOICES = [...VIOLATION_STATUSES, 'closed'] as const;
const ATTEMPT_KINDS = ['blocked', 'warned'] as const;
const LIMIT = 50;

/** Names of enterprises by credit code, as far as the principal may see them. */
export async function enterpriseNames(services: Services, p: Principal, usccs: (string | null)[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    [...new Set(usccs.filter((u): u is string => !!u))].map(async (u) => {
      const e = await services.registry.getEnterprise(p, u).catch(() => null);
      if (e) out.set(u, e.name);
    }),
  );
  return out;
}

/** Who changed something: the name of the key (a person or a system), else its id. */
async function actorNames(services: Services): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const role of ['supervisor', 'admin'] as const) {
    const keys = await services.keys.list({ role, limit: 500 });
    for (const k of keys.items) out.set(k.id, k.name);
  }
  return out;
}

interface Filter {
  status?: (typeof STATUS_CHOICES)[number];
  kind?: ViolationKind;
  agency?: string;
  enterprise?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

/** The list's filters from the address; a value not offered on the page is a 400 that says so. */
function filterOf(query: unknown, agencies: ScopedAgency[]): Filter {
  const agency = queryText(query, 'agency');
  if (agency && !agencies.some((a) => a.id === agency)) throw badQuery('agency');
  const enterprise = queryText(query, 'enterprise', 18);
  if (enterprise && !/^[0-9A-HJ-NP-RT-UW-Y]{18}$/i.test(enterprise)) throw badQuery('enterprise');
  const f: Filter = {
    status: queryChoice(query, 'status', STATUS_CHOICES),
    kind: queryChoice(query, 'kind', VIOLATION_KINDS),
    agency,
    enterprise: enterprise?.toUpperCase(),
    from: queryDay(query, 'from'),
    to: queryDay(query, 'to'),
    cursor: queryText(query, 'cursor', 500),
  };
  if (f.from && f.to && f.to < f.from) throw badQuery('to');
  for (const k of Object.keys(f) as (keyof Filter)[]) if (f[k] === undefined) delete f[k];
  return f;
}

const hrefOf = (base: string, f: object, cursor?: string) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, cursor }) as [string, unknown][]) if (typeof v === 'string' && v) q.set(k, v);
  return `${base}?${q.toString()}`;
};

export function violationPages(services: Services): Router {
  const r = Router();

  const periodOf = (f: { from?: string; to?: string }) => ({
    ...(f.from ? { from: new Date(dayBounds(f.from, services.ctx.tz)[0]).toISOString() } : {}),
    ...(f.to ? { to: new Date(dayBounds(f.to, services.ctx.tz)[1]).toISOString() } : {}),
  });

  r.get('/dashboard/violations', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const agencies = await agenciesInScope(services, p);
    const f = filterOf(req.query, agencies);
    const q = {
      ...(f.kind ? { kind: f.kind } : {}),
      ...(f.agency ? { agency: f.agency } : {}),
      ...(f.enterprise ? { enterprise: f.enterprise } : {}),
      ...periodOf(f),
      limit: LIMIT,
    };
    let items: ViolationView[];
    let next: string | null = null;
    let more: { status: ViolationStatus; href: string }[] = [];
    if (f.status === 'closed') {
      // resolved and dismissed together, newest first; each kind's further pages by its own filter
      const [resolved, dismissed] = await Promise.all(
        (['resolved', 'dismissed'] as const).map((status) => services.violations.list(p, { ...q, status })),
      );
      items = [...resolved!.items, ...dismissed!.items].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)).slice(0, LIMIT);
      more = [
        ...(resolved!.nextCursor
          ? [{ status: 'resolved' as const, href: hrefOf('/dashboard/violations', { ...f, status: 'resolved' }) }]
          : []),
        ...(dismissed!.nextCursor
          ? [{ status: 'dismissed' as const, href: hrefOf('/dashboard/violations', { ...f, status: 'dismissed' }) }]
          : []),
      ];
    } else {
      const list = await services.violations.list(p, {
        ...q,
        ...(f.status ? { status: f.status } : {}),
        ...(f.cursor ? { cursor: f.cursor } : {}),
      });
      items = list.items;
      next = list.nextCursor ? hrefOf('/dashboard/violations', f, list.nextCursor) : null;
    }
    const agencyNames = new Map(agencies.map((a) => [a.id, a.name]));
    const missing = items.flatMap((v) => (v.agencyId && !agencyNames.has(v.agencyId) ? [v.agencyId] : []));
    for (const [id, n] of await services.registry.agencyNames(missing)) agencyNames.set(id, n);
    const enterprises = await enterpriseNames(
      services,
      p,
      items.map((v) => v.enterpriseUscc),
    );
    page(res, 'violation-list', text(w.lang, 'svViolationsTitle'), {
      items,
      f,
      next,
      more,
      agencies,
      statuses: STATUS_CHOICES,
      kinds: VIOLATION_KINDS,
      statusName: (s: string) => (s === 'closed' ? text(w.lang, 'svClosed') : (violationStatusNames[s as ViolationStatus]?.[w.lang] ?? s)),
      kindName: (k: string) => violationKindNames[k as ViolationKind]?.[w.lang] ?? k,
      agencyName: (v: ViolationView) => (v.agencyId ? (agencyNames.get(v.agencyId) ?? v.agencyId) : (v.agencyName ?? '—')),
      enterpriseName: (u: string | null) => (u ? (enterprises.get(u) ?? '') : ''),
      filtered: Object.keys(f).length > 0,
    });
  });

  r.get('/dashboard/violations/:id', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const v = await services.violations.get(p, param(req, 'id'));
    const [agencyNames, enterprises, actors] = await Promise.all([
      services.registry.agencyNames(v.agencyId ? [v.agencyId] : []),
      enterpriseNames(services, p, [v.enterpriseUscc]),
      v.history.length ? actorNames(services) : Promise.resolve(new Map<string, string>()),
    ]);
    const conduct = new Map(conductChoices(services).map((c) => [c.id, c.message[w.lang]]));
    page(res, 'violation-detail', text(w.lang, 'svViolationTitle', { kind: violationKindNames[v.kind][w.lang] }), {
      v,
      flash: req.query.done ? text(w.lang, 'statusChanged') : null,
      agency: v.agencyId ? (agencyNames.get(v.agencyId) ?? v.agencyId) : (v.agencyName ?? '—'),
      enterprise: v.enterpriseUscc ? (enterprises.get(v.enterpriseUscc) ?? '') : '',
      conduct: v.conductRuleIds.map((id) => ({ id, name: conduct.get(id) ?? text(w.lang, 'svRuleRetired') })),
      actorName: (id: string) => actors.get(id) ?? id,
      statusName: (s: string) => violationStatusNames[s as ViolationStatus]?.[w.lang] ?? s,
      kindName: (k: string) => violationKindNames[k as ViolationKind]?.[w.lang] ?? k,
      sourceName: (s: string) => sourceNames[s]?.[w.lang] ?? s,
      changes:
        v.status === 'open' ? ['acknowledged', 'resolved', 'dismissed'] : v.status === 'acknowledged' ? ['resolved', 'dismissed'] : [],
    });
  });

  r.get('/dashboard/attempts', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const agencies = await agenciesInScope(services, p);
    const agency = queryText(req.query, 'agency');
    if (agency && !agencies.some((a) => a.id === agency)) throw badQuery('agency');
    const f = {
      kind: queryChoice(req.query, 'kind', ATTEMPT_KINDS) ?? ('blocked' as const),
      agency,
      from: queryDay(req.query, 'from'),
      to: queryDay(req.query, 'to'),
      cursor: queryText(req.query, 'cursor', 500),
    };
    if (f.from && f.to && f.to < f.from) throw badQuery('to');
    const list = await services.violations.attempts(p, {
      kind: f.kind,
      ...(f.agency ? { agency: f.agency } : {}),
      ...periodOf(f),
      ...(f.cursor ? { cursor: f.cursor } : {}),
      limit: LIMIT,
    });
    const names = new Map(agencies.map((a) => [a.id, a.name]));
    for (const [id, n] of await services.registry.agencyNames(list.items.map((a) => a.agencyId).filter((id) => !names.has(id))))
      names.set(id, n);
    const enterprises = await enterpriseNames(
      services,
      p,
      list.items.map((a) => a.enterpriseUscc),
    );
    const { cursor: _c, ...kept } = f;
    page(res, 'attempts', text(w.lang, 'svAttemptsTitle'), {
      items: list.items,
      f,
      agencies,
      next: list.nextCursor ? hrefOf('/dashboard/attempts', kept, list.nextCursor) : null,
      agencyName: (id: string) => names.get(id) ?? id,
      enterpriseName: (u: string) => enterprises.get(u) ?? '',
      // the rules that blocked (or warned): their Chinese text, the rule id in a tooltip
      findings: (a: AttemptView) =>
        a.decision.findings
          .filter((x) => x.severity === (a.kind === 'blocked' ? 'block' : 'warn'))
          .map((x) => ({ id: x.ruleId, name: x.message[w.lang] })),
    });
  });

  return r;
}
