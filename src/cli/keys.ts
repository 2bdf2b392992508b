import type { Command } from 'commander';
import { AppError, detailMessage } from '../domain/errors.js';
import { ROLES, type Role } from '../domain/principal.js';
import { KeyCreate } from '../domain/schemas.js';
import { bodyValidator } from '../http/validation.js';
import { CLI_ACTOR, cliLang, ExitCode, say, type Cli } from './shared.js';

// the same checks, and the same words, as POST /api/v1/keys
const validateKey = bodyValidator(KeyCreate);
const cliOption = (pointer: string) =>
  ({ agencyId: 'agency', uscc: 'uscc', regions: 'regions', name: 'name', role: 'role', email: 'email', expiresAt: 'expires' })[
    pointer.split('/')[1] ?? ''
  ] ??
  (pointer || 'options');

export function registerKeys(program: Command, { io, withRuntime }: Cli): void {
  const keys = program.command('keys').description('API keys');
  keys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--agency <id>', 'agency id (role agency)')
    .option('--uscc <uscc>', 'enterprise USCC (role enterprise)')
    .option('--regions <codes>', 'comma-separated division-code prefixes (role supervisor)')
    .option('--email <address>', "where the nightly digest of the key's regions is mailed (role supervisor)")
    .option('--expires <time>', 'when the key stops working, ISO 8601 (2027-01-01T00:00:00+08:00)')
    .action(
      async (o: { role: string; name: string; agency?: string; uscc?: string; regions?: string; email?: string; expires?: string }) => {
        if (!(ROLES as readonly string[]).includes(o.role)) {
          io.err(say(`--role 应为 ${ROLES.join(', ')} 之一`, `--role must be one of ${ROLES.join(', ')}`));
          throw new ExitCode(2);
        }
        const regions = o.regions
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        // an empty list would mean every region: that is said by leaving --regions out, not by accident
        if (regions !== undefined && regions.length === 0) {
          io.err(
            say(
              '--regions 至少要有一个区划代码前缀（不限地区请不写 --regions）',
              '--regions needs at least one division-code prefix (leave it out for every region)',
            ),
          );
          throw new ExitCode(2);
        }
        const body = {
          role: o.role as Role,
          name: o.name,
          ...(o.agency ? { agencyId: o.agency } : {}),
          ...(o.uscc ? { uscc: o.uscc } : {}),
          ...(regions !== undefined ? { regions } : {}),
          ...(o.email ? { email: o.email } : {}),
          ...(o.expires ? { expiresAt: o.expires } : {}),
        };
        try {
          validateKey(body);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          for (const d of err.details) io.err(`--${cliOption(d.path)}: ${detailMessage(d)[cliLang()]}`);
          throw new ExitCode(2);
        }
        const created = await withRuntime((rt) => rt.services.keys.create(CLI_ACTOR, body));
        io.out(`key id: ${created.id}`);
        io.out(
          `role:   ${created.role}` +
            (created.agencyId ? ` (agency ${created.agencyId})` : '') +
            (created.uscc ? ` (enterprise ${created.uscc})` : ''),
        );
        io.out(`key:    ${created.key}`);
        if (created.expiresAt) io.out(`expires: ${created.expiresAt}`);
        io.out('The key is shown this once; only its hash is stored.');
      },
    );
  keys
    .command('list')
    .description('list keys (never the key itself), newest first')
    .option('--all', 'include revoked and expired keys')
    .action(async (o: { all?: boolean }) => {
      const rows = await withRuntime(async (rt) => {
        const out = [];
        let cursor: string | undefined;
        do {
          const page = await rt.services.keys.list({ limit: 500, ...(o.all ? {} : { active: true }), ...(cursor ? { cursor } : {}) });
          out.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return out;
      });
      for (const k of rows) {
        const scope = k.agencyId ?? k.uscc ?? (k.regions.length ? k.regions.join(',') : '');
        const state = k.revokedAt
          ? `revoked ${k.revokedAt}`
          : !k.active
            ? `expired ${k.expiresAt}`
            : k.expiresAt
              ? `until ${k.expiresAt}`
              : 'active';
        io.out([k.id, k.role, scope || '-', state, k.name].join('\t'));
      }
      if (!rows.length) io.out('no keys');
    });
  keys
    .command('revoke <id>')
    .description('revoke a key at once (every process refuses it)')
    .action(async (id: string) => {
      const k = await withRuntime((rt) => rt.services.keys.revoke(CLI_ACTOR, id));
      io.out(`revoked: ${k.id} (${k.role}, ${k.name}) at ${k.revokedAt ?? ''}`);
    });
}
