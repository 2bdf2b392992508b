// npm run rules:schema — writes rules/schema/ruleset.schema.json from src/rules/schema.ts, the
// one definition of a rule set (a test fails while the two differ).
import { writeFileSync } from 'node:fs';
import { ruleSetJsonSchema } from '../src/rules/schema.js';

writeFileSync('rules/schema/ruleset.schema.json', `${JSON.stringify(ruleSetJsonSchema(), null, 2)}\n`);
console.log('wrote rules/schema/ruleset.schema.json');
