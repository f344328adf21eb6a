import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, packageService } from '../src/serverlessCli';
import { callTarget, deniedCallLine, deniedCalls } from '../src/callCheck';
import { resourceSchemaProblems } from '../src/resourceSchemas';
import { localWorkgroupId } from '@etl/local-aws';
import type { Template } from '../src/serverlessCli';

/** `pnpm deploy:check` as a user runs it: the bin, its output and its exit code. */
async function deployCheck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = path.join(REPO_ROOT, 'packages/harness/bin/deploy-check.ts');
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-r', 'esbuild-register', bin, ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('pnpm deploy:check', () => {
  it('refuses prod while its params hold placeholders, naming each and where to set it', async () => {
    const { code, stdout } = await deployCheck(['--stage', 'prod']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/✔ load: 2 function\(s\) on nodejs24.x/);
    expect(stdout).toMatch(/✔ transform: 1 function\(s\) on nodejs24.x/);
    expect(stdout).toMatch(/✔ extract: 6 function\(s\) on nodejs24.x/);
    expect(stdout).toContain('✘ dataBucketName = etl-data-prod  (params.prod.dataBucketName in services/load/serverless.yml)');
    expect(stdout).toContain(
      '✘ alarmEmail = etl-alerts@example.com  (params.prod.alarmEmail in services/load/serverless.yml, services/transform/serverless.yml, services/extract/serverless.yml)',
    );
    expect(stdout).toMatch(/✘ warehouseWorkgroupId = 0{8}-/);
    expect(stdout).toMatch(/✘ ordersApiUrl = https:\/\/shop.example.com/);
    expect(stdout).toMatch(/add its output warehouseCopyRoleArn to the namespace's IAM roles/);
    expect(stdout).toMatch(/not ready: 4 param\(s\) to set, 0 template problem\(s\), 0 call\(s\) a role would refuse/);
    expect(stdout).toMatch(
      /account quotas: Lambda concurrent executions ≥ \d+ \(\d+ reserved by the functions \+ the 100 Lambda keeps unreserved\)/,
    );
  }, 240_000);

  it('passes prod once every param is set, and says how to deploy', async () => {
    const params = [
      'dataBucketName=acme-etl-data-prod',
      'alarmEmail=data-oncall@acme.io',
      'warehouseWorkgroupId=3f2b8c1e-5a4d-4e2f-9b7a-0c1d2e3f4a5b',
      'ordersApiUrl=https://shop.acme.io/api/orders',
    ];
    const { code, stdout } = await deployCheck(['--stage', 'prod', '--json', ...params.flatMap((p) => ['--param', p])]);
    const check = JSON.parse(stdout) as {
      ready: boolean;
      missing: unknown[];
      services: { problems: string[]; functions: { runtime: string }[] }[];
    };
    expect({ code, ready: check.ready, missing: check.missing }).toEqual({ code: 0, ready: true, missing: [] });
    expect(check.services.flatMap((s) => s.problems)).toEqual([]);
    expect(new Set(check.services.flatMap((s) => s.functions.map((f) => f.runtime)))).toEqual(new Set(['nodejs24.x']));
  }, 240_000);
});

describe('pnpm deploy:check on a template under review', () => {
  it('reports a property the schema refuses and a call the role does not allow, planted in a copy of the packaged template', async () => {
    const template = await packageService('extract', 'prod', { outDir: '.serverless-check-planted' });
    const planted = structuredClone(template);
    const mapping = Object.values(planted.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
    (mapping.Properties as { ScalingConfig: Record<string, unknown> }).ScalingConfig = { MaximumConcurency: 2 };
    const role = planted.Resources.PlannerIamRoleLambdaExecution!.Properties as {
      Policies: { PolicyDocument: { Statement: { Sid?: string }[] } }[];
    };
    role.Policies[0]!.PolicyDocument.Statement = role.Policies[0]!.PolicyDocument.Statement.filter((s) => s.Sid !== 'ListPlannerState');
    const dir = mkdtempSync(path.join(tmpdir(), 'deploy-check-'));
    const file = path.join(dir, 'extract.json');
    writeFileSync(file, JSON.stringify(planted));
    // the copy was packaged with the local workgroup's id: the check resolves the calls with the same
    const workgroup = `warehouseWorkgroupId=${localWorkgroupId('etl-prod')}`;
    const { code, stdout } = await deployCheck(['--stage', 'prod', '--param', workgroup, '--template', `extract=${file}`]);
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(stdout).toMatch(/✘ extract: 6 function\(s\)/);
    expect(stdout).toMatch(
      /extract: \S+ \(AWS::Lambda::EventSourceMapping\) Properties\.ScalingConfig\.MaximumConcurency: unknown property MaximumConcurency, did you mean MaximumConcurrency\?/,
    );
    expect(stdout).toMatch(
      /planner: s3:ListBucket on arn:aws:s3:::etl-data-prod \(s3:prefix=state\/planner\/orders\.json\) .* would be refused/,
    );
  }, 240_000);
});

describe('the call inventory against the packaged roles', () => {
  const templates = {} as Record<'load' | 'transform' | 'extract', Template>;
  let extract: Template;
  beforeAll(async () => {
    for (const service of ['load', 'transform', 'extract'] as const)
      templates[service] = await packageService(service, 'prod', { outDir: '.serverless-check-calls' });
    extract = templates.extract;
  }, 180_000);
  // packaged with the local params: the local workgroup's id
  const target = callTarget('prod', { bucket: 'etl-data-prod', workgroupId: localWorkgroupId('etl-prod'), secret: 'etl/prod/orders-db' });

  it.each(['load', 'transform', 'extract'] as const)('allows every call each %s function makes', (service) => {
    expect(deniedCalls(service, 'prod', templates[service], target).map(deniedCallLine)).toEqual([]);
  });

  it("reports the transform's delete of an empty quarantine file when its role may not delete", () => {
    const planted = structuredClone(templates.transform);
    const role = planted.Resources.TransformWorkerIamRoleLambdaExecution!.Properties as {
      Policies: { PolicyDocument: { Statement: { Sid?: string }[] } }[];
    };
    const document = role.Policies[0]!.PolicyDocument;
    document.Statement = document.Statement.filter((s) => s.Sid !== 'DropEmptyQuarantine');
    expect(deniedCalls('transform', 'prod', planted, target).map((d) => `${d.fn}: ${d.call.action}`)).toEqual([
      'transformWorker: s3:DeleteObject',
    ]);
  });

  it("reports the call a function makes that its role does not allow: the planner's first read without ListBucket", () => {
    const planted = structuredClone(extract);
    const role = planted.Resources.PlannerIamRoleLambdaExecution!.Properties as {
      Policies: { PolicyDocument: { Statement: { Sid?: string }[] } }[];
    };
    const statements = role.Policies[0]!.PolicyDocument;
    statements.Statement = statements.Statement.filter((s) => s.Sid !== 'ListPlannerState');
    expect(deniedCalls('extract', 'prod', planted, target).map(deniedCallLine)).toEqual([
      'planner: s3:ListBucket on arn:aws:s3:::etl-data-prod (s3:prefix=state/planner/orders.json) — reads the run it planned last, when it may not exist yet — would be refused: no statement of role etl-extract-prod-planner-us-east-1-lambdaRole allows it',
    ]);
  });

  it("reports a property CloudFormation's schema refuses, planted in a copy of the packaged template", async () => {
    expect(await resourceSchemaProblems(extract)).toEqual([]);
    const planted = structuredClone(extract);
    const mapping = Object.values(planted.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
    (mapping.Properties as { ScalingConfig: Record<string, unknown> }).ScalingConfig = { MaximumConcurency: 2 };
    const problems = await resourceSchemaProblems(planted);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/ScalingConfig\.MaximumConcurency: unknown property MaximumConcurency, did you mean MaximumConcurrency\?/),
    ]);
  });
});
