// GB/T 2260: a division code is six digits, and its first two are a province; a code whose first
// two digits are none of these is no Chinese division (000000, 991223).
const PROVINCES = ['1[1-5]', '2[1-3]', '3[1-7]', '4[1-6]', '5[0-4]', '6[1-5]', '71', '81', '82'];

export const REGION_PATTERN = `^(?:${PROVINCES.join('|')})[0-9]{4}$`;
const REGION = new RegExp(REGION_PATTERN);

export const isRegion = (s: string): boolean => REGION.test(s);

/**
 * The prefix an agency's division code covers: a county (211223) its own code, a city (211200)
 * 2112, a province (210000) 21. An enterprise is in an agency's jurisdiction when its division
 * code starts with this.
 */
export function jurisdictionPrefix(region: string): string {
  let p = region;
  while (p.length > 2 && p.endsWith('00')) p = p.slice(0, -2);
  return p;
}
export const inJurisdiction = (enterpriseRegion: string, agencyRegion: string): boolean =>
  enterpriseRegion.startsWith(jurisdictionPrefix(agencyRegion));
