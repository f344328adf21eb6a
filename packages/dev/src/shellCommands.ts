/**
 * How the user runs this repository's scripts from their shell, for the commands we print as next
 * steps: the README's set-up (`npm run dev`) has no `pnpm` on PATH (ours lives in `.toolchain/`),
 * so after `npm run …` the steps read `npm run etl -- …`; after `pnpm …`, `pnpm etl …`. npm and
 * pnpm both say which of them ran the script in `npm_config_user_agent`.
 */
export function shellCommands(env: NodeJS.ProcessEnv = process.env): { etl: string; test: string } {
  const npm = (env.npm_config_user_agent ?? '').startsWith('npm/');
  return npm ? { etl: 'npm run etl --', test: 'npm test' } : { etl: 'pnpm etl', test: 'pnpm test' };
}
