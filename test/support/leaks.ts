// What the run leaves behind. Mocha runs without `exit: true`, so a server, socket, timer or child
// process a test forgets keeps the process alive; this names it and fails the run instead.

const transient = new Set(['FSReqCallback', 'FSReqPromise', 'GetAddrInfoReqWrap', 'Immediate']);

function count(types: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of types) if (!transient.has(t)) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/** The handles open before any test ran (standard streams), and the timer of mocha's running hook. */
const baseline = count(process.getActiveResourcesInfo());
baseline.set('Timeout', (baseline.get('Timeout') ?? 0) + 1);

function extra(): string[] {
  const out: string[] = [];
  for (const [type, n] of count(process.getActiveResourcesInfo())) {
    const more = n - (baseline.get(type) ?? 0);
    if (more > 0) out.push(`${more} × ${type}`);
  }
  return out;
}

/**
 * Waits (up to `ms`) for every handle opened during the run to close; throws naming those left
 * (the root hook then ends the process, which they would keep alive).
 */
export async function expectNoLeaks(ms = 5_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (extra().length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const left = extra();
  if (left.length)
    throw new Error(`the run left handles open (a server, socket, timer or process a test did not close): ${left.join(', ')}`);
}
