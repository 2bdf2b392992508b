import type { Campaign, FilingType, Purpose, RiskClass, Trigger } from '../domain/filing.js';

/** What is being filed, already validated and normalized by the service. */
export interface FilingInput {
  agencyId: string;
  enterpriseUscc: string;
  type: FilingType;
  itemCodes: string[];
  inspectorIds: string[];
  plannedStart: Date;
  plannedEnd: Date;
  onSite: boolean;
  reason: string | null;
  onSiteJustification: string | null;
  jointAgencyIds: string[];
  purpose: Purpose;
  requiresLegalRepresentative: boolean;
  legalRepresentativeReason: string | null;
  trigger: Trigger | null;
  campaign: Campaign | null;
  /** the draw assignment a random filing carries out */
  drawAssignmentId: string | null;
}

export interface AgencyFact {
  id: string;
  name: string;
  active: boolean;
  region: string;
  itemCodes: string[];
  /** the agencies of its enforcement system (itself, its parent, their children…); caps count them all */
  systemIds: string[];
}

/** A registered ground (the grounds register): what a case or a campaign rests on. */
export interface GroundFact {
  id: string;
  kind: 'complaint' | 'referral' | 'monitoring' | 'accident' | 'assignment' | 'campaign';
  reference: string;
  enterpriseUscc: string | null;
  /** the agencies it is assigned to; empty = any */
  agencyIds: string[];
  level: 'higher' | 'local' | null;
  /** local dates (YYYY-MM-DD, TZ_REGION), both included */
  validFrom: string;
  validTo: string;
  maxVisits: number;
  status: 'verified' | 'unverified' | 'rejected';
  /** filings (not cancelled) it grounds, by `agencyId|enterpriseUscc` (emergencies citing it included) */
  uses: Record<string, number>;
}

export interface InspectorFact {
  id: string;
  agencyId: string;
  credentialNo: string;
  /** last day (YYYY-MM-DD, region calendar) on which the credential is valid */
  validUntil: string;
}

export interface EnterpriseFact {
  uscc: string;
  region: string;
  riskClass: RiskClass | null;
  noDisturb: boolean;
}

/** An earlier (not cancelled) filing about the same enterprise. Times are epoch milliseconds, so rules compare numbers. */
export interface PriorFiling {
  id: string;
  filingNo: string;
  agencyId: string;
  agencyName: string;
  type: FilingType;
  plannedStart: number;
  plannedEnd: number;
  onSite: boolean;
  status: string;
  jointAgencyIds: string[];
  /** 'higher' for a special campaign deployed by a higher authority */
  campaignLevel: 'higher' | null;
  resultOutcome: string | null;
  conductedAt: number | null;
}

/** The same as stored and sent by the database: times as ISO 8601 strings. */
export type PriorFilingRow = Omit<PriorFiling, 'plannedStart' | 'plannedEnd' | 'conductedAt'> & {
  plannedStart: string;
  plannedEnd: string;
  conductedAt: string | null;
};

export function priorFromRow(r: PriorFilingRow): PriorFiling {
  return {
    ...r,
    plannedStart: Date.parse(r.plannedStart),
    plannedEnd: Date.parse(r.plannedEnd),
    conductedAt: r.conductedAt ? Date.parse(r.conductedAt) : null,
  };
}

/**
 * A period of an enterprise's history a rule must see: the filings whose planned window
 * [plannedStart, plannedEnd) overlaps [from, to), epoch milliseconds.
 */
export interface HistoryPeriod {
  from: number;
  to: number;
}

/**
 * Everything the evaluator may look at, gathered by the service before evaluation. Each rule
 * kind declares which of these it needs, and for history the periods it must see, so the service
 * loads only what the active rules use.
 */
/** A drawn random inspection (双随机) as the draw recorded it. */
export interface AssignmentFact {
  id: string;
  agencyId: string;
  enterpriseUscc: string;
  status: 'open' | 'filed' | 'expired';
  periodStart: string;
  periodEnd: string;
  inspectorIds: string[];
}

export interface Facts {
  agency: AgencyFact | null;
  jointAgencies: AgencyFact[];
  inspectors: InspectorFact[];
  enterprise: EnterpriseFact;
  /** the enterprise's filings in the periods the active rules asked for (see historyPeriods) */
  history: PriorFiling[];
  /** the assignment named by drawAssignmentId, when it exists */
  assignment: AssignmentFact | null;
  /** registered grounds with the reference this filing cites, and referrals naming its agencies for its enterprise */
  grounds: GroundFact[];
}

export interface EvaluationContext {
  now: Date;
  tz: string;
}
