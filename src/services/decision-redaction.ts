import { localDate } from '../domain/calendar.js';
import type { Decision } from '../domain/decision.js';
import type { PriorFiling } from '../rules/facts.js';

/**
 * A decision as an agency sees it. Another agency's filing that a rule counted (an overlap, a
 * cap over the system or over all agencies) shows as that agency and the day it starts: its id
 * leaves the evidence, and its filing number in the message becomes "agency day". The agency's
 * own filings, and those it is a joint agency on, stay as they are. The decision kept on record
 * (supervisors, attempts) is the whole one.
 */
/** What a filing counted in a decision needs for this: who filed it, its number, its day. */
export type FilingRef = Pick<PriorFiling, 'id' | 'filingNo' | 'agencyId' | 'agencyName' | 'plannedStart' | 'jointAgencyIds'>;

export function decisionForAgency(decision: Decision, history: readonly FilingRef[], agencyId: string, tz: string): Decision {
  const others = new Map<string, FilingRef>();
  for (const h of history) if (h.agencyId !== agencyId && !h.jointAgencyIds.includes(agencyId)) others.set(h.id, h);
  if (!others.size) return decision;
  let changed = false;
  const findings = decision.findings.map((f) => {
    const hidden = f.evidence.flatMap((id) => {
      const h = others.get(id);
      return h ? [h] : [];
    });
    if (!hidden.length) return f;
    changed = true;
    const label = (h: FilingRef) => `${h.agencyName} ${localDate(h.plannedStart, tz)}`;
    const redact = (text: string) => hidden.reduce((t, h) => t.split(h.filingNo).join(label(h)), text);
    const message = { ...f.message };
    for (const lang of Object.keys(message) as (keyof typeof message)[]) message[lang] = redact(message[lang]);
    return { ...f, message, evidence: f.evidence.filter((id) => !others.has(id)) };
  });
  return changed ? { ...decision, findings } : decision;
}
