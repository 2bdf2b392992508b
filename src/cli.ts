import { runCli } from './cli/program.js';

const code = await runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) });
// a pipe is written asynchronously: exiting before it drains would cut a long report short
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
process.exit(code);
