import type { ServiceContext } from './context.js';
import { createFilingService } from './filings.js';
import { createIdempotencyService } from './idempotency.js';
import { createKeyService } from './keys.js';
import { createReadinessService } from './readiness.js';
import { createRegistryService } from './registry.js';
import { createVerificationService } from './verification.js';
import { createViolationService } from './violations.js';

export function createServices(ctx: ServiceContext) {
  return {
    ctx,
    rulesets: ctx.rules,
    keys: createKeyService(ctx),
    registry: createRegistryService(ctx),
    filings: createFilingService(ctx),
    verification: createVerificationService(ctx),
    violations: createViolationService(ctx),
    idempotency: createIdempotencyService(ctx),
    readiness: createReadinessService(ctx),
  };
}
export type Services = ReturnType<typeof createServices>;
