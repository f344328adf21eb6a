import { shellCommands } from './shellCommands';

describe('shellCommands', () => {
  it('prints the commands the way the user ran the script: npm run etl -- after npm, pnpm etl after pnpm', () => {
    expect(shellCommands({ npm_config_user_agent: 'npm/10.9.2 node/v24.1.0 linux x64 workspaces/false' }).etl).toBe('npm run etl --');
    expect(shellCommands({ npm_config_user_agent: 'pnpm/9.15.9 npm/? node/v24.1.0 linux x64' }).etl).toBe('pnpm etl');
    expect(shellCommands({}).etl).toBe('pnpm etl');
  });
});
