import { Type } from '@sinclair/typebox';
import { defineRoute, who } from '../route.js';

// Accounts for people (issue 19): an activation code, issued by someone who may, sets a password
// that signs in to the pages. API keys stay for systems: a password opens no API call.
const tag = 'Accounts';

const ActivationIssued = Type.Object(
  {
    login: Type.String({ description: 'what the holder types at sign-in: the credit code, or a staff login name' }),
    code: Type.String({
      description: 'the one-time activation code, XXXX-XXXX-XXXX; shown in this response only',
      examples: ['ACDE-FGHJ-KMNP'],
    }),
    expiresAt: Type.String({ format: 'date-time', description: '7 days from now' }),
  },
  { additionalProperties: false },
);
const StaffActivation = Type.Object(
  {
    login: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 40,
        description: "the staff member's login name at the first activation (3-40 of a-z 0-9 . _ -); default: the key's id",
      }),
    ),
  },
  { additionalProperties: false },
);
const Activate = Type.Object(
  {
    uscc: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: "an enterprise's credit code (or give login)" })),
    login: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "a staff member's login name (or give uscc)" })),
    code: Type.String({ minLength: 1, maxLength: 40, description: 'the activation code; any case, dashes optional' }),
    password: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'the new password: 8+ characters, not one character repeated, not the login',
    }),
  },
  { additionalProperties: false },
);
const Activated = Type.Object(
  {
    login: Type.String(),
    role: Type.String({ description: 'the role the account signs in with' }),
    name: Type.String({ description: "the name on the account's key" }),
  },
  { additionalProperties: false },
);

export const accountRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/enterprises/:uscc/activation',
    summary: "Issue an enterprise's one-time activation code (7 days); a new one replaces the last, and resets the password when used",
    tag,
    auth: ['admin', 'supervisor'],
    responses: {
      201: { description: 'the code, shown once (only its hash is kept)', schema: ActivationIssued },
      404: { description: 'no such enterprise, or not in your regions' },
      409: { description: "another first code for this enterprise's account was issued at the same moment: retry" },
    },
    handler: async (c) => ({ status: 201, body: await c.services.accounts.issueForEnterprise(who(c), c.params.uscc ?? '') }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/keys/:id/activation',
    summary:
      'Issue a one-time activation code to the holder of a staff key (agency, supervisor, admin): ' +
      "their password signs in with that key's role and scope (a hotline platform's key is a system's: 400)",
    tag,
    auth: ['admin'],
    body: StaffActivation,
    example: { login: 'wang.fang' },
    responses: {
      201: { description: 'the code, shown once', schema: ActivationIssued },
      404: { description: 'no such key' },
      409: {
        description: 'the key is revoked or expired, the login name is taken (in any case), or a first code was issued at the same moment',
      },
    },
    handler: async (c) => ({ status: 201, body: await c.services.accounts.issueForKey(who(c), c.params.id ?? '', c.body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/accounts/activate',
    summary: 'Set the password with the activation code (spent once used); wrong codes count toward the sign-in failure limit',
    tag,
    auth: 'public',
    signIn: true,
    body: Activate,
    example: { uscc: '91110000600037341L', code: 'ACDE-FGHJ-KMNP', password: 'a long pass phrase' },
    responses: {
      200: { description: 'the password is set; sign in on /login', schema: Activated },
      401: { description: 'the code is wrong, spent or expired' },
      409: { description: "the account's key has been revoked" },
      429: { description: 'too many failed sign-ins or codes from this address' },
    },
    handler: async (c) => {
      const done = await c.services.accounts.activate(c.body);
      return { status: 200, body: { login: done.login, role: done.principal.role, name: done.principal.name } };
    },
  }),
];
