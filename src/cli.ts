import { runCli } from './cli/commands.js';

process.exit(await runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }));
