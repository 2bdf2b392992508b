import { randomBytes } from 'node:crypto';
import type { Decision } from '../domain/decision.js';
import type { FilingCreateBody } from '../domain/schemas.js';
import type { Fixture, FixtureFilingT, StepResult } from '../rules/fixtures.js';
import type { FilingInput } from '../rules/facts.js';
import type { LoadedRuleSet } from '../rules/load.js';
import { insertAgency, insertInspector, setAgencyActive } from '../store/agencies-repo.js';
import type { Db } from '../store/db.js';
import { insertEnterprise } from '../store/enterprises-repo.js';
import { loadFactRows, markCompleted, writeFilingBatch } from '../store/filings-repo.js';
import { decide, factQueryFor, factsFor, toInput } from './filing-decision.js';
import { filingRecords } from './filing-records.js';
import type { Logger } from 'pino';
import { groundFor } from '../rules/grounds.js';
import { insertJointResponse } from '../store/visits-repo.js';

// Rule fixtures run through the same path as a real filing: the fixture's registry and history
// are written to the store, each step's facts are read back with the same facts query, decided,
// and a step that is not blocked is written as a filing for the next. All of it happens in one
// transaction that is rolled back, so a fixture leaves nothing behind, on any database.

const HOUR = 3_600_000;
class RollBack extends Error {}

/**
 * A fixture's grounds live in the real register for the run (rolled back after): their references
 * carry a suffix of the run, so that they meet neither real entries nor another run's.
 */
const runRef = (reference: string, run: string) => `${reference}#${run}`;

function bodyOf(f: FixtureFilingT, fixture: Fixture, run: string): { agencyId: string; body: FilingCreateBody } {
  const agency = fixture.agencies.find((a) => a.id === f.agencyId);
  const start = Date.parse(f.plannedStart);
  return {
    agencyId: f.agencyId,
    body: {
      enterpriseUscc: fixture.enterprise.uscc,
      type: f.type,
      itemCodes: f.itemCodes ?? agency?.itemCodes.slice(0, 1) ?? [],
      inspectorIds:
        f.inspectorIds ??
        fixture.inspectors
          .filter((i) => i.agencyId === f.agencyId)
          .slice(0, 2)
          .map((i) => i.id),
      plannedStart: f.plannedStart,
      plannedEnd: f.plannedEnd ?? new Date(start + 4 * HOUR).toISOString(),
      onSite: f.onSite ?? true,
      onSiteJustification: f.onSiteJustification ?? '需现场核实',
      ...(f.reason !== undefined ? { reason: f.reason } : {}),
      ...(f.jointAgencyIds ? { jointAgencyIds: f.jointAgencyIds } : {}),
      ...(f.purpose ? { purpose: f.purpose } : {}),
      ...(f.requiresLegalRepresentative !== undefined ? { requiresLegalRepresentative: f.requiresLegalRepresentative } : {}),
      ...(f.legalRepresentativeReason !== undefined ? { legalRepresentativeReason: f.legalRepresentativeReason } : {}),
      ...(f.trigger ? { trigger: { ...f.trigger, reference: runRef(f.trigger.reference, run) } } : {}),
      ...(f.campaign ? { campaign: { ...f.campaign, reference: runRef(f.campaign.reference, run) } } : {}),
    },
  };
}

async function writeRegistry(trx: Db, fixture: Fixture, run: string): Promise<void> {
  const e = fixture.enterprise;
  const createdAt = new Date();
  await insertEnterprise(trx, {
    uscc: e.uscc,
    name: e.uscc,
    region: e.region,
    industry: null,
    riskClass: e.riskClass,
    noDisturb: e.noDisturb,
    createdAt,
  });
  for (const a of fixture.agencies) {
    await insertAgency(trx, {
      id: a.id,
      code: `fixture-${a.id}`,
      name: a.name ?? a.id,
      region: a.region,
      items: a.itemCodes.map((code) => ({ code, name: code, basis: 'fixture' })),
      parentAgencyId: null,
    });
    if (!a.active) await setAgencyActive(trx, a.id, false);
  }
  for (const a of fixture.agencies)
    if (a.parentId) await trx.updateTable('agencies').set({ parent_agency_id: a.parentId }).where('id', '=', a.id).execute();
  for (const [n, g] of (fixture.grounds ?? []).entries())
    await trx
      .insertInto('grounds')
      .values({
        id: `fixture-ground-${run}-${n}`,
        kind: g.kind,
        reference: runRef(g.reference, run),
        enterprise_uscc: g.kind === 'campaign' ? null : e.uscc,
        region: g.kind === 'campaign' ? null : e.region,
        agency_ids: g.agencyIds ?? [],
        level: g.kind === 'campaign' ? (g.level ?? 'higher') : null,
        title: null,
        valid_from: g.validFrom,
        valid_to: g.validTo,
        max_visits: g.maxVisits ?? 1,
        status: g.status ?? 'verified',
        status_note: null,
        status_changed_at: null,
        status_changed_by: null,
        registered_by: 'fixture',
        registered_role: 'admin',
        registered_at: createdAt,
      })
      .execute();
  for (const i of fixture.inspectors)
    await insertInspector(trx, {
      id: i.id,
      agencyId: i.agencyId,
      name: i.id,
      credentialNo: i.credentialNo,
      validUntil: i.validUntil,
      createdAt,
    });
}

/** Writes a decided filing as the filing service would, numbered from the sequence. */
async function writeFiling(
  trx: Db,
  input: FilingInput,
  body: FilingCreateBody,
  decision: Decision,
  c: { at: Date; tz: string; region: string; seq: number; groundId?: string | null },
) {
  const built = filingRecords(input, decision, c.region, {
    at: c.at,
    tz: c.tz,
    publicUrl: '',
    actor: 'fixture',
    body,
    seq: c.seq,
    groundId: c.groundId ?? null,
  });
  await writeFilingBatch(trx, built.write);
  if (built.outcome.kind !== 'filed') return null;
  // a fixture replays visits that happened: its joint agencies took part (accepted)
  for (const agencyId of input.jointAgencyIds)
    await insertJointResponse(trx, {
      filing_id: built.outcome.row.id,
      agency_id: agencyId,
      status: 'accepted',
      reason: null,
      decision_id: null,
      at: c.at,
      actor: 'fixture',
    });
  return built.outcome.row;
}

export async function runFixture(
  db: Db,
  sets: readonly LoadedRuleSet[],
  fixture: Fixture,
  defaultTz: string,
  log: Logger,
): Promise<StepResult[]> {
  const tz = fixture.tz ?? defaultTz;
  const results: StepResult[] = [];
  const run = randomBytes(4).toString('hex');
  try {
    await db.transaction().execute(async (trx) => {
      await writeRegistry(trx, fixture, run);
      const region = fixture.enterprise.region;
      for (const h of fixture.history ?? []) {
        // earlier filings are facts of the fixture: written as they stand, not decided again
        const at = new Date(h.plannedStart);
        const { agencyId, body } = bodyOf(h, fixture, run);
        const input = toInput(agencyId, body);
        const seq = (await loadFactRows(trx, factQueryFor(sets, [], { now: at, tz }, { lock: false, numbers: 1 }))).numbers[0] as number;
        const row = await writeFiling(
          trx,
          input,
          body,
          { outcome: 'allow', findings: [], ruleSets: [], evaluatedAt: h.plannedStart },
          { at, tz, region, seq },
        );
        if (row && h.resultOutcome) {
          await markCompleted(trx, row.id, {
            outcome: h.resultOutcome,
            conductedAt: new Date(h.conductedAt ?? h.plannedStart),
            summary: 'fixture',
          });
        }
      }
      for (const [i, step] of fixture.steps.entries()) {
        const now = new Date(step.now);
        const { agencyId, body } = bodyOf(step.filing, fixture, run);
        const input = toInput(agencyId, body);
        const rows = await loadFactRows(trx, factQueryFor(sets, [input], { now, tz }, { lock: false, numbers: 1 }));
        const facts = factsFor(input, rows);
        const d = decide(sets, input, facts, { now, tz }, log);
        const groundId = groundFor(input, facts, tz).ground?.id ?? null;
        if (d.outcome !== 'block')
          await writeFiling(trx, input, body, d, { at: now, tz, region, seq: rows.numbers[0] as number, groundId });
        const actual = { outcome: d.outcome, findings: d.findings.map((f) => f.ruleId).sort() };
        const expected = { outcome: step.expect.outcome, findings: [...step.expect.findings].sort() };
        results.push({
          fixture: fixture.name,
          step: step.name ?? `step ${i + 1} (${step.filing.plannedStart.slice(0, 10)} ${step.filing.agencyId} ${step.filing.type})`,
          ok: actual.outcome === expected.outcome && actual.findings.join() === expected.findings.join(),
          expected,
          actual,
        });
      }
      throw new RollBack();
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
  }
  return results;
}
