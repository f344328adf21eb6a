import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@etl/harness';
import { scaffoldPipeline } from '../src/newPipeline';

describe('etl new', () => {
  // a root inside packages/pipelines, so the scaffold's imports resolve as they will in the real one
  const root = mkdtempSync(path.join(REPO_ROOT, 'packages/pipelines/.scaffold-test-'));
  const src = path.join(root, 'packages/pipelines/src');
  beforeAll(() => cpSync(path.join(REPO_ROOT, 'packages/pipelines/src'), src, { recursive: true }));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a definition that is valid, a test, and registers it beside the others', () => {
    const made = scaffoldPipeline(root, 'crm_contacts', 'http');
    expect(made.files).toEqual([
      'packages/pipelines/src/crm_contacts.ts',
      'packages/pipelines/src/crm_contacts.test.ts',
      'packages/pipelines/src/index.ts',
    ]);
    // nothing to edit outside the pipelines: the extract service derives the variable and its param from the definition
    expect(made.nextSteps.join('\n')).not.toMatch(/serverless\.yml/);
    expect(made.nextSteps.join('\n')).toContain('--param crmContactsApiUrl=https://…');
    expect(readFileSync(path.join(src, 'crm_contacts.ts'), 'utf8')).toContain(
      "urlEnv: 'CRM_CONTACTS_API_URL', // set on each stage from the extract service's param crmContactsApiUrl",
    );
    const names = execFileSync(
      process.execPath,
      [
        '-r',
        'esbuild-register',
        '-e',
        `console.log(Object.keys(require(${JSON.stringify(path.join(src, 'index.ts'))}).pipelines).join(','))`,
      ],
      {
        cwd: REPO_ROOT,
      },
    ).toString();
    expect(names.trim()).toBe('orders,orders_db,crm_contacts'); // definePipeline ran: the definition is valid
  });

  it('writes definitions that parse and are valid for SQL tables and dropped files too', () => {
    scaffoldPipeline(root, 'crm_db', 'sql');
    scaffoldPipeline(root, 'crm_files', 'files');
    const sources = execFileSync(
      process.execPath,
      [
        '-r',
        'esbuild-register',
        '-e',
        // and their sources pass their kinds' own checks, as packaging checks them
        `const { pipelines } = require(${JSON.stringify(path.join(src, 'index.ts'))}); require('@etl/extract').checkSources(pipelines); console.log(['crm_db', 'crm_files'].map((n) => pipelines[n].source.kind).join(','))`,
      ],
      { cwd: REPO_ROOT },
    ).toString();
    expect(sources.trim()).toBe('sql,s3-drop');
  });

  it('refuses a taken or malformed name, saying why', () => {
    expect(() => scaffoldPipeline(root, 'crm_contacts', 'sql')).toThrow(/crm_contacts.ts exists already/);
    expect(() => scaffoldPipeline(root, 'Bad-Name', 'sql')).toThrow(/is not a pipeline name/);
  });
});
