import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../../bot/content/json-schemas';
import { root } from '../support/harness';

describe('JSON Schemas for editors', () => {
  it.each(Object.entries(jsonSchemas()))('schemas/%s.schema.json matches the zod schema (run npm run schemas)', (name, schema) => {
    const onDisk = JSON.parse(readFileSync(join(root, 'schemas', `${name}.schema.json`), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(schema)));
  });
});

describe('the CI profile API description', () => {
  it('integrations/ci/openapi.yaml matches the profile schema the client validates with (run npm run schemas)', () => {
    const { ciOpenApi } = jest.requireActual('../../bot/content/openapi') as typeof import('../../bot/content/openapi');
    expect(readFileSync(join(root, 'integrations/ci/openapi.yaml'), 'utf8')).toBe(ciOpenApi());
  });
});
