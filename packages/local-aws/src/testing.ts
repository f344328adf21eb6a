/** Test fixtures: a stack in a child process on free ports, on PGlite or a fresh Postgres database. */
export { startTestStack } from './testStack';
export type { Engine, TestStack } from './testStack';
export { CI_POSTGRES, freshPostgresDatabase } from './freshDatabase';
