import type { ReportFacts, ReportRates } from '../domain/report-rates.js';
import type { ScorecardEntryView } from '../domain/schemas.js';
import type { AgencyAggregate } from '../store/digest-queries.js';

// The county appraises its enforcement units by their conduct: an agency with a conduct
// violation or an unfiled inspection (N1) found (resolved) in the period is vetoed (一票否决) and
// ranks after every other; cancelled filings are no visits (shown apart), so filing and
// cancelling cannot lower the violations per filing;
// the rest rank by fewer violations per filing — those the rules and jobs raised (unless
// dismissed) and those supervisors resolved as founded; an allegation nobody has worked yet
// counts for nothing, so reports alone cannot sink an agency — then fewer blocked attempts, then a better
// average rating from the enterprises they inspected. Beside the rank, not in it: how the
// enterprises' reports about the agency were handled (反馈率, 办结率, 满意率; domain/report-rates.ts),
// which measures the supervisors' handling as much as the agency.

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function scorecardEntries(aggregates: AgencyAggregate[], rates: (reports: ReportFacts[]) => ReportRates): ScorecardEntryView[] {
  const entries = aggregates.map((a) => {
    const byKind: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    let total = 0;
    let counted = 0;
    for (const v of a.violations) {
      byKind[v.kind] = (byKind[v.kind] ?? 0) + v.n;
      byStatus[v.status] = (byStatus[v.status] ?? 0) + v.n;
      total += v.n;
      if (v.counted) counted += v.n;
    }
    return {
      rank: 0,
      agencyId: a.agencyId,
      agencyName: a.agencyName,
      filings: a.filings,
      cancelled: a.cancelled,
      blockedAttempts: a.blockedAttempts,
      warnings: a.warnings,
      violations: { total, counted, byKind, byStatus },
      averageRating: a.ratings ? round(a.ratingSum / a.ratings, 2) : null,
      ratings: a.ratings,
      onSiteShare: a.filings ? round(a.onSite / a.filings) : null,
      visitsPerEnterprise: a.enterprises ? round(a.filings / a.enterprises, 2) : null,
      reports: rates(a.reports),
      vetoed: a.vetoes.length
        ? {
            violationIds: a.vetoes.map((v) => v.violationId),
            conductRuleIds: [...new Set(a.vetoes.flatMap((v) => v.conductRuleIds))].sort(),
          }
        : null,
    };
  });
  const perFiling = (e: ScorecardEntryView) => e.violations.counted / Math.max(e.filings, 1);
  entries.sort(
    (x, y) =>
      Number(x.vetoed !== null) - Number(y.vetoed !== null) ||
      perFiling(x) - perFiling(y) ||
      x.blockedAttempts - y.blockedAttempts ||
      (y.averageRating ?? 0) - (x.averageRating ?? 0) ||
      x.agencyId.localeCompare(y.agencyId),
  );
  entries.forEach((e, i) => (e.rank = i + 1));
  return entries;
}
