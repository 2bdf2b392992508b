import { maskCredential } from '../domain/codes.js';
import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { FilingView } from '../domain/schemas.js';
import { findAgency } from '../store/agencies-repo.js';
import { findByVerifyCode } from '../store/filings-repo.js';
import type { ServiceContext } from './context.js';

/** What a 检查告知书 prints: the filing, and what the public card leaves out or masks. */
export interface NoticeContents {
  filing: FilingView;
  agency: { name: string; address: string | null; phone: string | null };
  jointAgencies: { name: string }[];
  enterprise: { name: string; uscc: string };
  items: { code: string; name: string; basis: string; agency: string }[];
  /** the officers of the agencies taking part (the lead's and those of joint agencies that accepted) */
  inspectors: { name: string; credentialNo: string; revoked: boolean }[];
  /** whether credentialNo is the number in full (the notice printed for the enterprise) or masked */
  credentialsInFull: boolean;
}

interface FilingReader {
  get(p: Principal, id: string): Promise<{ filing: FilingView }>;
}

/**
 * The notice is handed to the enterprise, whose first right is to compare the officers' names and
 * credential numbers with the cards they show: so the notice carries the numbers in full, where
 * the public card (anyone with the code) masks them. In full for those who print it, the filing
 * agency and the county's administrators; masked for everyone else who may read the filing.
 */
export function createNoticeService(ctx: ServiceContext, filings: FilingReader) {
  return {
    async contents(p: Principal, filingId: string): Promise<NoticeContents> {
      // whoever may read the filing may read its notice; anyone else is told it does not exist
      const { filing } = await filings.get(p, filingId);
      const [found, agency] = await Promise.all([findByVerifyCode(ctx.db, filing.verifyCode), findAgency(ctx.db, filing.agencyId)]);
      if (!found || !agency) throw notFound('filing', filingId);
      const inFull = p.role === 'admin' || (p.role === 'agency' && p.agencyId === filing.agencyId);
      const taking = new Set([filing.agencyId, ...found.acceptedJointIds]);
      return {
        filing,
        agency: { name: agency.name, address: agency.address, phone: agency.phone },
        jointAgencies: found.jointAgencyNames.map((name) => ({ name })),
        enterprise: { name: found.enterpriseName, uscc: filing.enterpriseUscc },
        items: found.items,
        inspectors: found.inspectors
          .filter((i) => taking.has(i.agencyId))
          .map((i) => ({ name: i.name, credentialNo: inFull ? i.credentialNo : maskCredential(i.credentialNo), revoked: !!i.revokedAt })),
        credentialsInFull: inFull,
      };
    },
  };
}
