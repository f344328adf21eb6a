import { LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@etl/local-aws';
import type { ServiceName } from '@etl/harness';
import { servicesFiles, tail } from './backgroundServices';
import type { ServicesState } from './backgroundServices';
import { localClients, SERVICES } from './localPipeline';
import { RunningPipeline } from './runningPipeline';

/** The background services of a state folder, as a command that uses them sees them: clients, no processes of its own. */
export class AttachedPipeline extends RunningPipeline {
  constructor(
    private readonly dir: string,
    readonly state: ServicesState,
  ) {
    super();
    ({ s3: this.s3, sqs: this.sqs, warehouse: this.warehouse } = localClients(state.endpoints));
    this.queueUrls = state.queueUrls;
    this.lambda = new LambdaClient({ endpoint: state.lambdaEndpoints.extract, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  }

  protected extractFunctionName(name: string): string {
    return `etl-extract-dev-${name}`;
  }

  serviceLogs(lines = 25): { service: ServiceName; tail: string[] }[] {
    return SERVICES.map((service) => ({ service, tail: tail(servicesFiles(this.dir).serviceLog(service), lines) }));
  }

  /** Closes the clients; the services keep running. */
  async stop(): Promise<void> {
    this.lambda?.destroy();
    this.sqs.destroy();
    this.s3.destroy();
    this.warehouse.client.destroy();
  }
}
