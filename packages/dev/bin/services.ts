/**
 * The background services of a state folder (see src/backgroundServices.ts): started by
 * `etl run` with its options in ETL_SERVICES (JSON), stopped by `etl down` (SIGTERM) or after
 * ETL_SERVICES_IDLE_MINUTES (default 60) idle minutes. Not meant to be run by hand.
 */
import { hostServices } from '../src/servicesHost';
import type { ServicesHostOptions } from '../src/backgroundServices';

const raw = process.env.ETL_SERVICES;
if (!raw) {
  console.error('services: ETL_SERVICES (JSON) is not set; etl run starts this process');
  process.exit(2);
}
const idleMinutes = Number(process.env.ETL_SERVICES_IDLE_MINUTES ?? 60);
hostServices(JSON.parse(raw) as ServicesHostOptions, Number.isFinite(idleMinutes) && idleMinutes > 0 ? idleMinutes : 60).catch(
  (error: unknown) => {
    console.error(`✘ services: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
